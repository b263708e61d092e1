from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "skillaid.reports"
    verbose_name = "目标进度与报表"

    def ready(self) -> None:
        # Each part wires its own jobs, desk providers, sections and pages.
        from . import setup

        setup.ready()
