"""django-tasks-db's worker, started only with an ID key that opens this database."""

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from skillaid.accounts.keys import id_key_at_start


class Command(WorkerCommand):
    def handle(self, *args, **options) -> None:
        # Jobs seal and look up ID numbers: a worker with another key would fail each
        # of them, or, worse, import everyone again under the wrong blind index.
        id_key_at_start(self.stderr)
        super().handle(*args, **options)
