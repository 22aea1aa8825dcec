"""Re-read every LMS course's roster (Names and Role Provisioning); for cron."""

from lti import roster
from lti.models import CourseLink

from ._sweep import SweepCommand


class Command(SweepCommand):
    help = "Sync the roster of every course an LMS has launched (students who never launched included)."
    model = CourseLink
    related = ("group", "context__deployment__registration")

    def visit(self, course):
        outcome = roster.sync_roster(course)
        if outcome.error:
            self.stderr.write(f"{course.context}: {outcome.error}")
            return 1
        self.stdout.write(f"{course.context}: {len(outcome.added)} added, {len(outcome.dropped)} removed")
        return 0
