"""What a copy into a new term did, in words for the instructor who made it."""

from django.contrib import messages

from annotations.rendering import excerpt
from reader.rendering import paragraph_name


def _counted(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def copy_messages(report) -> list[tuple[int, str]]:
    """(message level, text) for the page the copier lands on: what came over, each note that
    could not be placed on the current version, and what was left out."""
    out = [(
        messages.SUCCESS,
        f"“{report.group}” is ready for the new term: {_counted(report.prompts, 'prompt')}, "
        f"{_counted(report.guides, 'discussion guide')} and {_counted(report.assignments, 'assignment')} "
        f"were copied (set the assignments’ due dates), with {_counted(report.staff, 'instructor or moderator', 'instructors and moderators')}. "
        "No students or their notes.",
    )]
    if report.orphans:
        named = "; ".join(
            f"“{excerpt(orphan.annotation.body, 60)}” on {paragraph_name(orphan.old_paragraph)} ({orphan.reason})"
            for orphan in report.orphans
        )
        out.append((
            messages.WARNING,
            f"{_counted(len(report.orphans), 'note')} could not be placed on the current version of its paper: "
            f"{named}. {'It waits' if len(report.orphans) == 1 else 'They wait'} under Orphans for you to attach again.",
        ))
    if report.left_out:
        out.append((messages.INFO, f"Not copied: {'; '.join(report.left_out)}."))
    return out
