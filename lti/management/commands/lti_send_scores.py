"""Send every LMS-placed assignment's scores to its gradebook column; for cron. Scores that
failed before are sent again with the rest. An LMS whose registration is switched off is left out."""

from django.core.management.base import BaseCommand

from lti import grades
from lti.models import LinkedAssignment


class Command(BaseCommand):
    help = "Send participation scores to the LMS gradebook (Assignment and Grade Services), retrying failures."

    def handle(self, *args, **options):
        failed = 0
        placed = LinkedAssignment.objects.filter(context__deployment__registration__is_active=True)
        for linked in placed.select_related("assignment__group", "context__deployment__registration"):
            outcome = grades.send_scores(linked)
            if outcome.error:
                failed += 1
                self.stderr.write(f"{linked.assignment}: nothing sent: {outcome.error}")
                continue
            self.stdout.write(f"{linked.assignment}: {outcome.sent} sent, {len(outcome.failed)} failed")
            for record in outcome.failed:
                failed += 1
                self.stderr.write(f"  {record.user}: {record.error}")
        if failed:
            raise SystemExit(1)  # cron mails a failing job's output
