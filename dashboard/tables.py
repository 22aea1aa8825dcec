"""The dashboard's tables as headings and rows: the page and the CSV downloads share them, so a
download holds exactly what the page shows (in full: the page may show only the top rows)."""

import csv
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone

from annotations.exporting import csv_cell
from reader.rendering import paragraph_number


@dataclass
class Table:
    name: str
    caption: str
    headings: list
    rows: list  # lists of plain values (str, int, date, datetime or None)
    numeric: tuple = ()  # column indexes that hold numbers (right-aligned)


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def tables_for(dashboard) -> dict[str, Table]:
    return {
        "participation": Table(
            "participation", "Participation per member",
            ["Member", "Role", "Notes", "Replies", "Words written", "Paragraphs covered", "Last active"],
            [
                [p.name, p.role, p.annotations, p.replies, p.words, p.paragraphs, _when(p.last_active)]
                for p in dashboard.participation
            ],
            numeric=(2, 3, 4, 5),
        ),
        "paragraphs": Table(
            "paragraphs", "Notes and replies per paragraph",
            ["Paragraph", "Anchor", "Kind", "Notes", "Replies", "Text"],
            [[paragraph_number(h), h.anchor, h.kind, h.annotations, h.replies, h.snippet] for h in dashboard.heat],
            numeric=(0, 3, 4),
        ),
        "tags": Table("tags", "Tags used", ["Tag", "Notes"], [[t["tag"], t["count"]] for t in dashboard.tags], numeric=(1,)),
        "activity": Table(
            "activity", "Activity per day", ["Day", "Notes", "Replies"],
            [[d.day.isoformat(), d.annotations, d.replies] for d in dashboard.activity], numeric=(1, 2),
        ),
        "questions": Table(
            "questions", "Open questions without an answer", ["Asked by", "Paragraph", "Question", "Asked"],
            [[q.shown_author, q.paragraph.anchor, q.body, _when(q.created)] for q in dashboard.questions],
        ),
        "flags": Table(
            "flags", "Flagged notes waiting for a moderator", ["Note", "Paragraph", "Flags", "First flagged", "Text"],
            [[f["annotation_pk"], f["anchor"], f["flags"], _when(f["first"]), f["body"]] for f in dashboard.flags],
            numeric=(2,),
        ),
    }


def csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return response
