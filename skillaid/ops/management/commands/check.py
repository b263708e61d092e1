"""Django's `check`, and with --ops the operational checks a monitor runs (exit 0, 1 or 2)."""

import sys

from django.core import checks
from django.core.management.commands.check import Command as DjangoCheck

from skillaid.ops.checks import Result, Status, run_checks


class Command(DjangoCheck):
    help = (
        "Django's system checks (--deploy for deployment settings). With --ops, also the "
        "operational checks: settings, keys, writable folders, database, migrations, waiting "
        "jobs and free disk, one line each (OK/WARN/FAIL); exit 0 when all are OK, 1 on a "
        "warning, 2 on a failure."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        super().add_arguments(parser)
        parser.add_argument(
            "--ops", action="store_true", help="run the operational checks, for monitors"
        )

    def handle(self, *app_labels, **options) -> None:
        if not options["ops"]:
            return super().handle(*app_labels, **options)
        results = self.system_checks(options["deploy"]) + run_checks()
        for result in results:
            self.stdout.write(result.line())
        worst = max((r.status for r in results), default=Status.OK)
        sys.stdout.flush()
        sys.exit(int(worst))

    def system_checks(self, deploy: bool) -> list[Result]:
        """Django's own checks, one line per message, so that --deploy findings count too."""
        messages = [
            m
            for m in checks.run_checks(include_deployment_checks=deploy)
            if not m.is_silenced() and m.level >= checks.WARNING
        ]
        if not messages:
            what = "system checks" + (" --deploy" if deploy else "")
            return [Result(Status.OK, "django.checks", f"Django {what}: no issues")]
        return [
            Result(
                Status.FAIL if m.is_serious() else Status.WARN,
                f"django.{m.id or 'check'}",
                str(m.msg) + (f"（{m.hint}）" if m.hint else ""),
            )
            for m in messages
        ]
