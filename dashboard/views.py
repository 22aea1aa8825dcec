from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from access.policy import get_document_for, get_group_for, visible_documents
from annotations.models import Annotation
from annotations.permissions import visible_annotations
from dashboard import charts, stats
from dashboard.tables import csv_response, tables_for

# Members know the group exists (403); outsiders do not (404): get_group_for decides both.
PERMISSION = "group.dashboard"


@login_required
@require_GET
def index(request, pk):
    """The documents this group reads, busiest first. Queries: session, user, group, roles,
    notes per document, documents."""
    group = get_group_for(request.user, pk, PERMISSION)
    counts = dict(
        visible_annotations(request.user, Annotation.objects.filter(group=group, deleted_at__isnull=True))
        .values_list("paragraph__document_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    documents = sorted(
        visible_documents(request.user), key=lambda d: (-counts.get(d.pk, 0), d.title.lower())
    )
    for document in documents:
        document.group_notes = counts.get(document.pk, 0)
    return render(request, "dashboard/index.html", {"group": group, "documents": documents})


@login_required
@require_GET
def document_dashboard(request, pk, slug):
    """Queries: session, user, group, roles, document, then stats.build's eight (constant)."""
    group = get_group_for(request.user, pk, PERMISSION)
    document = get_document_for(request.user, slug)
    dashboard = stats.build(request.user, group, document)
    tables = tables_for(dashboard)
    heat_href = lambda cell: f"{document.get_absolute_url()}#p-{cell.anchor}"  # noqa: E731
    busiest = sorted((h for h in dashboard.heat if h.total), key=lambda h: -h.total)
    context = {
        "group": group,
        "document": document,
        "dashboard": dashboard,
        "totals": dashboard.totals,
        "tables": tables,
        "busiest": busiest[:10],
        "charts": {
            "participation": charts.bar_chart(
                "Posts per member",
                _describe_top([(p.name, p.posts) for p in dashboard.participation if p.posts], "posts"),
                [(p.name, p.posts) for p in dashboard.participation if p.posts],
            ),
            "heat": charts.heat_map(
                "Where the group annotates",
                _describe_top([(h.label, h.total) for h in busiest], "notes and replies",
                              "Paragraphs in reading order, darker for more notes and replies."),
                dashboard.heat, heat_href,
            ),
            "tags": charts.bar_chart(
                "Tags used", _describe_top([(t["tag"], t["count"]) for t in dashboard.tags], "notes"),
                [(t["tag"], t["count"]) for t in dashboard.tags],
            ),
            "activity": charts.column_chart(
                "Activity per day", _describe_activity(dashboard.activity), dashboard.activity,
            ),
        },
        "heat_legend": charts.legend(
            [(colour, label) for colour, label in zip(charts.HEAT_COLOURS, ["none", "", "", "", "", "most"]) if label]
        ),
        "activity_legend": charts.legend([(charts.NOTE_COLOUR, "notes"), (charts.REPLY_COLOUR, "replies")]),
    }
    return render(request, "dashboard/document.html", context)


# Each downloadable table: the Dashboard field it comes from and the one query that fills it.
CSV_TABLES = {
    "participation": ("participation", stats.participation),
    "paragraphs": ("heat", stats.paragraph_heat),
    "tags": ("tags", stats.tag_distribution),
    "activity": ("activity", stats.activity),
    "questions": ("questions", stats.open_questions),
    "flags": ("flags", stats.waiting_flags),
}


@login_required
@require_GET
def table_csv(request, pk, slug, table):
    """One dashboard table as CSV, in full; only that table is computed."""
    group = get_group_for(request.user, pk, PERMISSION)
    document = get_document_for(request.user, slug)
    if table not in CSV_TABLES:
        raise Http404("No such table.")
    field, compute = CSV_TABLES[table]
    dashboard = stats.Dashboard(**{field: compute(request.user, group, document)})
    return csv_response(tables_for(dashboard)[table], f"{slug}-group-{group.pk}-{table}.csv")


def _describe_top(pairs, unit, lead=""):
    """The chart's finding in words, for its <desc>: the top three, or that there is nothing yet."""
    if not pairs:
        return f"{lead} Nothing yet.".strip()
    top = ", ".join(f"{label} ({value})" for label, value in pairs[:3])
    return f"{lead} Most {unit}: {top}.".strip()


def _describe_activity(days):
    if not days:
        return "No activity yet."
    busiest = max(days, key=lambda d: d.total)
    total = sum(d.total for d in days)
    return (
        f"{total} notes and replies from {days[0].day:%-d %B} to {days[-1].day:%-d %B}; "
        f"the busiest day was {busiest.day:%-d %B} with {busiest.total}."
    )
