"""What a copy into a new term did, in words for the instructor who made it."""

from django.contrib import messages

from annotations.rendering import excerpt
from reader.rendering import paragraph_name


def _counted(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _staff(n: int) -> str:
    """The copier is always one of the new group's staff."""
    if n == 1:
        return "you as its instructor"
    return f"you and {_counted(n - 1, 'other instructor or moderator', 'other instructors and moderators')}"


def _papers(copies) -> str:
    if not copies:
        return ""
    titles = ", ".join(f"“{copy.title}”" for copy in copies)
    return f"{_counted(len(copies), 'reading')} of this group, copied for the new term: {titles}. "


def copy_messages(report) -> list[tuple[int, str]]:
    """(message level, text) for the page the copier lands on: what came over, each note that
    could not be placed on the current version, and what was left out."""
    if report.again:
        return [(messages.INFO, f"“{report.group}” was copied from this group a moment ago; this is that copy.")]
    out = [(
        messages.SUCCESS,
        f"“{report.group}” is ready for the new term: {_counted(report.prompts, 'prompt')}, "
        f"{_counted(report.guides, 'discussion guide')} and {_counted(report.assignments, 'assignment')} "
        f"were copied{' (set the due dates)' if report.assignments else ''}, with {_staff(report.staff)}. "
        f"{_papers(report.papers)}No students or their notes.",
    )]
    if report.orphans:
        named = "; ".join(
            f"“{excerpt(orphan.annotation.body, 60)}” on {paragraph_name(orphan.old_paragraph)} of "
            f"“{orphan.version.document.title}” ({orphan.reason})"
            for orphan in report.orphans
        )
        out.append((
            messages.WARNING,
            f"{_counted(len(report.orphans), 'note')} could not be placed on the current version of "
            f"{'its paper' if len(report.orphans) == 1 else 'their papers'}: "
            f"{named}. {'It waits' if len(report.orphans) == 1 else 'They wait'} under Orphans "
            "for you to attach again.",
        ))
    if report.left_out:
        out.append((messages.INFO, f"Not copied: {'; '.join(report.left_out)}."))
    return out
