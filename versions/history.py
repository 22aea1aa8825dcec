"""A version's paragraph changes, grouped into what a reader would call one change each."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.versioning import Change, DiffChunk, word_diff


@dataclass
class Entry:
    change: str
    old: list = field(default_factory=list)  # old paragraphs
    new: list = field(default_factory=list)  # new paragraphs
    similarity: float = 0.0

    @property
    def diff(self) -> list[DiffChunk]:
        return word_diff("\n\n".join(p.text for p in self.old), "\n\n".join(p.text for p in self.new))

    @property
    def paragraph(self):
        """The paragraph the entry is named by: where it is now, or where it was if it is gone."""
        return (self.new or self.old)[0]

    @property
    def position(self) -> int:
        return self.paragraph.position


def entries(changes) -> tuple[list[Entry], int]:
    """(entries for everything but unchanged paragraphs, in the new version's order; unchanged count).

    ``changes`` are ParagraphChange rows with old_paragraph and new_paragraph loaded."""
    unchanged = 0
    by_old: dict[int, Entry] = {}
    by_new: dict[int, Entry] = {}
    out: list[Entry] = []
    for row in changes:
        if row.change == Change.UNCHANGED:
            unchanged += 1
            continue
        if row.change == Change.SPLIT:
            entry = by_old.get(row.old_paragraph_id)
            if entry is None:
                entry = by_old[row.old_paragraph_id] = Entry(row.change, [row.old_paragraph], [], row.similarity)
                out.append(entry)
            entry.new.append(row.new_paragraph)
        elif row.change == Change.MERGED:
            entry = by_new.get(row.new_paragraph_id)
            if entry is None:
                entry = by_new[row.new_paragraph_id] = Entry(row.change, [], [row.new_paragraph], row.similarity)
                out.append(entry)
            entry.old.append(row.old_paragraph)
        else:
            out.append(
                Entry(
                    row.change,
                    [row.old_paragraph] if row.old_paragraph_id else [],
                    [row.new_paragraph] if row.new_paragraph_id else [],
                    row.similarity,
                )
            )
    out.sort(key=lambda e: (e.new[0].position if e.new else e.old[0].position - 0.5))
    return out, unchanged
