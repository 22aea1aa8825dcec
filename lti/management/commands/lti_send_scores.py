"""Send every LMS-placed assignment's scores to its gradebook column; for cron. Scores that
failed before are sent again with the rest. An LMS whose registration is switched off is left out."""

from lti import grades
from lti.models import LinkedAssignment

from ._sweep import SweepCommand


class Command(SweepCommand):
    help = "Send participation scores to the LMS gradebook (Assignment and Grade Services), retrying failures."
    model = LinkedAssignment
    related = ("assignment__group", "context__deployment__registration")

    def visit(self, linked):
        outcome = grades.send_scores(linked)
        if outcome.error:
            self.stderr.write(f"{linked.assignment}: nothing sent: {outcome.error}")
            return 1
        self.stdout.write(f"{linked.assignment}: {outcome.sent} sent, {len(outcome.failed)} failed")
        for record in outcome.failed:
            self.stderr.write(f"  {record.user}: {record.error}")
        return len(outcome.failed)
