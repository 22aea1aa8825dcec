"""The reading page (/d/<slug>/), assembled in one place as a plain view model.

``reading_view`` builds a ReadingView in three steps, each taking the last one's values and
changing none of them:

1. the paper's rendered text (reader.rendering.ReadingPage.of: the same for every reader,
   rendered once per document and kept);
2. each paragraph's margin beside its text (annotations.reading.page_margins: the cards,
   counts, backlinks, and the text marked where the shown passages are);
3. the heat strip and the live updates' addresses.

It lives here, in the top layer, because it is the one place that needs all of them: reader
may not import annotations, and the heat strip and live updates are this app's. The
paper's text comes kept (reader.rendering.ReadingPage.of); the margins are this reader's.

The heat strip's counts (notes and replies the person may see, per paragraph) come from the
margin's count query (annotations.reading.document_counts): no query of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from annotations.reading import MarginedParagraph, MarginFilter, heat_level, page_margins
from reader.rendering import OutlineEntry, ReadingPage, is_front_matter, paragraph_number
from reader.search import search_document


@dataclass(frozen=True)
class HeatCell:
    anchor: str
    label: str
    count: int
    level: int
    withheld: int = 0  # classmates' notes held back until the person posts there


@dataclass(frozen=True)
class LiveUpdates:
    stream: str
    poll: str
    margin: str  # a paragraph's margin, with "__anchor__" for the paragraph
    since: str  # the moment (ms) after which events are new to this page


@dataclass(frozen=True)
class ReadingView:
    document: object
    front_matter: list[MarginedParagraph]
    body: list[MarginedParagraph]
    outline: list[OutlineEntry]
    search: object  # reader.search's result for ?q=
    margin_filter: MarginFilter
    heat_cells: list[HeatCell]
    heat_total: int
    live: LiveUpdates


def reading_view(user, document, params, since: str) -> ReadingView:
    """The reading page of `document` as `user` sees it. `since`: when live updates start
    (live.delivery allows for clock skew); the view passes a hole its cache fills as each
    response is sent. Queries: the search (with ?q=), page_margins' (the paragraphs come with
    the kept text, after the first view of the document in this process)."""
    page = ReadingPage.of(document)
    margins = page_margins(user, document, page, params)
    cells = heat_strip(margins.paragraphs, margins.heat_counts, margins.withheld)
    return ReadingView(
        document=document,
        front_matter=[p for p in margins.paragraphs if is_front_matter(p)],
        body=[p for p in margins.paragraphs if not is_front_matter(p)],
        outline=page.outline,
        search=search_document(document, params.get("q", "")),
        margin_filter=margins.filter,
        heat_cells=cells,
        heat_total=sum(c.count for c in cells),
        live=LiveUpdates(
            stream=reverse("live_stream", args=[document.slug]),
            poll=reverse("live_poll", args=[document.slug]),
            margin=reverse("paragraph_margin", args=[document.slug, "__anchor__"]),
            since=since,
        ),
    )


def heat_strip(paragraphs, counts, withheld=None) -> list[HeatCell]:
    """One cell per paragraph in reading order, with how many notes and replies the person may
    see there (counts: {paragraph id: n}) and how many notes wait for them to post there."""
    withheld = withheld or {}
    busiest = max(counts.values(), default=0)
    cells = []
    for paragraph in paragraphs:
        count = counts.get(paragraph.pk, 0)
        cells.append(
            HeatCell(
                paragraph.anchor, f"¶ {paragraph_number(paragraph)}", count, heat_level(count, busiest),
                withheld.get(paragraph.pk, 0),
            )
        )
    return cells
