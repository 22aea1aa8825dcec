"""Re-read every LMS course's roster (Names and Role Provisioning); for cron."""

from django.core.management.base import BaseCommand

from lti import roster
from lti.models import CourseLink


class Command(BaseCommand):
    help = "Sync the roster of every course an LMS has launched (students who never launched included)."

    def handle(self, *args, **options):
        failures = 0
        courses = CourseLink.objects.filter(context__deployment__registration__is_active=True)
        for course in courses.select_related("group", "context__deployment__registration"):
            outcome = roster.sync_roster(course)
            if outcome.error:
                failures += 1
                self.stderr.write(f"{course.context}: {outcome.error}")
            else:
                self.stdout.write(f"{course.context}: {len(outcome.added)} added, {len(outcome.dropped)} removed")
        if failures:
            raise SystemExit(1)  # cron mails a failing job's output
