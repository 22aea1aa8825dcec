"""The reading page's margin hook: what the thread controls beside each annotation need.

annotations.reading.margin_context (owned by the annotations feature) can call
``annotate_margin(user, queryset)`` on the queryset it already builds, and render
``{% include "discussions/_thread_controls.html" with a=annotation %}`` per annotation.
Everything is computed in that same query (subqueries), so the page stays constant in queries.
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from annotations.models import Annotation
from annotations.permissions import visible_annotations
from discussions.models import Vote


def annotate_margin(user, queryset):
    """Add vote_count, voted, reply_count and the curation row to a queryset of annotations."""
    # Only the replies this person may see are counted (hide-until-posted, hidden, private...).
    replies = (
        visible_annotations(user, Annotation.objects.live().filter(parent=OuterRef("pk")))
        .order_by().values("parent").annotate(n=Count("pk")).values("n")
    )
    votes = Vote.objects.filter(annotation=OuterRef("pk")).order_by().values("annotation").annotate(n=Count("pk")).values("n")
    qs = queryset.select_related("curation").annotate(
        vote_count=Coalesce(Subquery(votes, output_field=IntegerField()), Value(0)),
        reply_count=Coalesce(Subquery(replies, output_field=IntegerField()), Value(0)),
    )
    if user.is_authenticated:
        qs = qs.annotate(voted=Exists(Vote.objects.filter(annotation=OuterRef("pk"), user_id=user.pk)))
    return qs
