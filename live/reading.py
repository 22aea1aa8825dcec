"""What the reading page needs for live updates and the heat strip (reader.views.document).

The heat strip's counts (notes and replies the person may see, per paragraph) come from the
margin's count query (annotations.reading.document_counts): no query of its own."""

from dataclasses import dataclass

from django.urls import reverse

from dashboard.charts import heat_level


@dataclass
class HeatCell:
    anchor: str
    label: str
    count: int
    level: int


def heat_strip(paragraphs, counts) -> list[HeatCell]:
    """One cell per paragraph in reading order, with how many notes and replies the person may
    see there (counts: {paragraph id: n})."""
    busiest = max(counts.values(), default=0)
    cells = []
    for number, paragraph in enumerate(paragraphs, start=1):
        count = counts.get(paragraph.pk, 0)
        cells.append(HeatCell(paragraph.anchor, f"¶ {number}", count, heat_level(count, busiest)))
    return cells


def live_context(document, paragraphs, heat_counts, since) -> dict:
    """since: the moment (ms) after which events are new to this page (live.delivery allows
    for clock skew); the reading page passes a hole its cache fills as each response is sent."""
    cells = heat_strip(paragraphs, heat_counts)
    return {
        "heat_cells": cells,
        "heat_total": sum(c.count for c in cells),
        "live": {
            "stream": reverse("live_stream", args=[document.slug]),
            "poll": reverse("live_poll", args=[document.slug]),
            "margin": reverse("paragraph_margin", args=[document.slug, "__anchor__"]),
            "since": since,
        },
    }
