"""Drain the notification e-mail outbox (run it every minute or so from a timer or cron)."""

import time

from django.core.management.base import BaseCommand

from discussions.notifications import send_pending_emails


class Command(BaseCommand):
    help = "Send pending notification e-mails (people who turned e-mail on). Safe to run in parallel."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=200, help="At most this many per transaction.")
        parser.add_argument("--loop", type=float, default=0, help="Keep running, sleeping this many seconds between rounds.")

    def handle(self, *args, batch, loop, **options):
        while True:
            total = 0
            while True:
                taken, sent = send_pending_emails(limit=batch)
                total += sent
                if taken < batch:
                    break
            if options["verbosity"]:
                self.stdout.write(f"Sent {total} notification e-mail(s).")
            if not loop:
                return
            time.sleep(loop)
