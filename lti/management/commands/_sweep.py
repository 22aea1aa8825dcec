"""What the cron commands share: visit every link of an LMS whose registration is switched on,
write a line each, and exit 1 if anything failed, so cron mails the output."""

from django.core.management.base import BaseCommand


class SweepCommand(BaseCommand):
    model = None  # CourseLink or LinkedAssignment: both hang off context__deployment__registration
    related = ()

    def visit(self, link):
        """Do the work for one link, write its lines; return how many things failed."""
        raise NotImplementedError

    def handle(self, *args, **options):
        links = self.model.objects.filter(context__deployment__registration__is_active=True)
        failed = sum(self.visit(link) for link in links.select_related(*self.related))
        if failed:
            raise SystemExit(1)
