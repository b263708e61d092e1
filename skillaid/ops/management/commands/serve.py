import logging
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from skillaid.accounts.keys import id_key_at_start
from skillaid.accounts.models import Role, User
from skillaid.accounts.tasks import purge_files_task
from skillaid.ops.demo_classes import demo_trainee
from skillaid.ops.demo_employment import UNIT_LOGINS
from skillaid.ops.demo_inspections import INSPECTOR_LOGINS
from skillaid.reports.tasks import (
    due_notices_task,
    tally_full_refresh_task,
    tally_refresh_task,
)

from .demo_data import DEMO_USERS, demo_password

# Demo roles that log in with a second factor (User.needs_second_factor).
CODE_ROLES = {Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER, Role.ADMIN}


def server_command(
    host: str, port: object, workers: int, threads: int, log_level: str = "info"
) -> list[str]:
    """The granian command line that serves SkillAid's WSGI application."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--log-level",
        log_level,
        "skillaid.wsgi:application",
    ]


log = logging.getLogger(__name__)


def schedule(stop: threading.Event, name: str, task, seconds: float) -> threading.Thread:  # noqa: ANN001
    """Enqueue `task` now and then every `seconds`, for the task worker to run, until `stop`
    is set: django-tasks has no scheduler of its own. Deployments whose workers run
    elsewhere (RQ, Celery) run the matching command from cron or a systemd timer instead
    (`skillaid purge-files`, `skillaid reports-refresh`)."""

    def loop() -> None:
        while True:
            try:
                task.enqueue()
            except Exception:  # the database may be down for a moment; try again next time
                log.exception("could not enqueue %s", name)
            finally:
                connection.close()
            if stop.wait(seconds):
                return

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread


def schedule_purge(stop: threading.Event, hours: float) -> threading.Thread:
    """The purge of files past their time, at start and then every `hours`."""
    return schedule(stop, "purge-files", purge_files_task, hours * 3600)


def schedule_tally(
    stop: threading.Event, minutes: float, full_minutes: float
) -> list[threading.Thread]:
    """The figures' recent months rebuilt at start and then every `minutes`
    (SKILLAID_TALLY_MINUTES), and every month every `full_minutes`
    (SKILLAID_TALLY_FULL_MINUTES)."""
    return [
        schedule(stop, "tally-refresh", tally_refresh_task, minutes * 60),
        schedule(stop, "tally-full-refresh", tally_full_refresh_task, full_minutes * 60),
    ]


def schedule_due_notices(stop: threading.Event, hours: float) -> threading.Thread:
    """The notices of work falling due, at start and then every `hours`
    (SKILLAID_DUE_NOTICES_HOURS): each is recorded once, however often this runs."""
    return schedule(stop, "due-notices", due_notices_task, hours * 3600)


def default_threads(vendor: str) -> int:
    """Threads per worker: 2 on PostgreSQL, where a second request is served while the
    first waits on the database; 1 on SQLite, which takes one writer at a time."""
    return 2 if vendor == "postgresql" else 1


class Command(BaseCommand):
    help = "Start the task worker and the web server (granian) on one machine: the embedded mode."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", type=int, default=2, help="web server processes")
        parser.add_argument(
            "--threads",
            type=int,
            help="threads per worker (default: 2 on PostgreSQL, where a second request is "
            "served while the first waits on the database; 1 on SQLite)",
        )

    def handle(self, *args, host: str, port: str, workers: int, threads: int | None, **options):
        # Refused here, before the children start, with the reason on the terminal.
        id_key_at_start(self.stderr)
        threads = threads or default_threads(connection.vendor)
        trainee = demo_trainee()
        unit_logins = [
            (username, label)
            for username, label in UNIT_LOGINS
            if User.objects.filter(username=username).exists()
        ]
        inspector_logins = set(
            User.objects.filter(username__in=[u for u, _l, _r in INSPECTOR_LOGINS]).values_list(
                "username", flat=True
            )
        )
        connection.close()
        worker = subprocess.Popen(
            [sys.executable, "-m", "skillaid", "db_worker", "--no-startup-delay"]
        )
        server = subprocess.Popen(server_command(host, port, workers, threads))
        stop = threading.Event()
        schedule_purge(stop, settings.SKILLAID_PURGE_INTERVAL_HOURS)
        schedule_tally(stop, settings.SKILLAID_TALLY_MINUTES, settings.SKILLAID_TALLY_FULL_MINUTES)
        schedule_due_notices(stop, settings.SKILLAID_DUE_NOTICES_HOURS)
        url = f"http://{host}:{port}/"
        self.stdout.write(f"\nSkillAid is starting at {url}")
        self.stdout.write(f"Demo logins (password: {demo_password()}):")
        for username, full_name, role, _region in DEMO_USERS:
            code = "  + 6-digit code: skillaid otp-code " + username if role in CODE_ROLES else ""
            self.stdout.write(f"  {username:<18} {full_name}{code}")
        for username, label in unit_logins:
            self.stdout.write(f"  {username:<18} {label}")
        for username, label, _region in INSPECTOR_LOGINS:
            if username in inspector_logins:
                self.stdout.write(f"  {username:<18} {label}（检查人员账户）")
        if trainee is not None:
            self.stdout.write(
                f"  {trainee.id_number}  {trainee.name}, a trainee (本人): types the ID number"
            )
        self.stdout.write(
            "Reviewers and admin also type a second-factor code: run the command shown in\n"
            "another terminal, or add the TOTP secret printed by `skillaid demo-data` to an\n"
            "authenticator app."
        )
        if settings.SKILLAID_HTTPS:
            self.stdout.write(
                "HTTPS is on (SKILLAID_HTTPS): plain http is redirected to https and cookies are\n"
                "Secure. Serve behind a TLS proxy, or set SKILLAID_HTTPS=0 on this machine only."
            )
        self.stdout.write("Press Ctrl+C to stop.\n")
        # Stopped by a service manager: leave through `finally`, which stops both children.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
