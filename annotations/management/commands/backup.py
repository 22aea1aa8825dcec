from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from config import backups


class Command(BaseCommand):
    help = "Write a pg_dump custom-format archive of the database under var/backups/ (make backup)."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=backups.BACKUP_DIR)
        parser.add_argument("--database", default="default")

    def handle(self, *args, output_dir, database, **options):
        try:
            path = backups.backup(connections[database].settings_dict, output_dir)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
