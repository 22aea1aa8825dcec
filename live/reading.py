"""What the reading page needs for live updates and the heat strip (reader.views.document).

HEAT_QUERIES: one aggregate query, notes and replies the person may see per paragraph,
whatever the number of annotations."""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation
from annotations.permissions import visible_annotations
from dashboard.charts import heat_level

HEAT_QUERIES = 1


@dataclass
class HeatCell:
    anchor: str
    label: str
    count: int
    level: int


def heat_strip(user, document, paragraphs) -> list[HeatCell]:
    """One cell per paragraph in reading order, with how many notes and replies `user` may see there."""
    counts = dict(
        visible_annotations(user, Annotation.objects.filter(paragraph__document=document, deleted_at__isnull=True))
        .values_list("paragraph_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    busiest = max(counts.values(), default=0)
    cells = []
    for number, paragraph in enumerate(paragraphs, start=1):
        count = counts.get(paragraph.pk, 0)
        cells.append(HeatCell(paragraph.anchor, f"¶ {number}", count, heat_level(count, busiest)))
    return cells


def live_context(user, document, paragraphs) -> dict:
    cells = heat_strip(user, document, paragraphs)
    return {
        "heat_cells": cells,
        "heat_total": sum(c.count for c in cells),
        "live": {
            "stream": reverse("live_stream", args=[document.slug]),
            "poll": reverse("live_poll", args=[document.slug]),
            "margin": reverse("paragraph_margin", args=[document.slug, "__anchor__"]),
            # Events after this moment are new to this page (live.delivery allows for clock skew).
            "since": int(timezone.now().timestamp() * 1000),
        },
    }
