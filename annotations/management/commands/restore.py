from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from config import backups


class Command(BaseCommand):
    help = "Replace the database's contents with a backup archive, in one transaction (make restore FILE=...)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, **options):
        connection = connections[database]
        try:
            backups.restore(file, connection.settings_dict)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {file} into {connection.settings_dict['NAME']}")
