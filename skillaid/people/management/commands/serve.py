import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from .demo_data import DEMO_USERS, demo_password


class Command(BaseCommand):
    help = "Start the task worker and the web server on one machine (the embedded mode)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host: str, port: str, **options) -> None:
        worker = subprocess.Popen(
            [sys.executable, "-m", "skillaid", "db_worker", "--no-startup-delay"]
        )
        url = f"http://{host}:{port}/"
        self.stdout.write(f"\nSkillAid is starting at {url}")
        self.stdout.write(f"Demo logins (password: {demo_password()}):")
        for username, full_name, _role, _region in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {full_name}")
        self.stdout.write("Press Ctrl+C to stop.\n")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
