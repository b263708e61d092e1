from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "skillaid.employment"
    verbose_name = "就业服务"

    def ready(self) -> None:
        # Each part of the employment services wires its own receivers, importers, jobs,
        # sections and the pages open to employers' accounts.
        from . import (
            setup_followups,
            setup_placements,
            setup_postings,
            setup_referrals,
            setup_seekers,
        )

        for part in (
            setup_seekers,
            setup_postings,
            setup_referrals,
            setup_followups,
            setup_placements,
        ):
            part.ready()

        # What waits for the county bureau on its desk: follow-ups, referrals, placements.
        from skillaid.accounts.desk import todo_register

        from .todos import employment_todos

        todo_register(employment_todos, order=50)
