from django.apps import AppConfig


class PairingsConfig(AppConfig):
    name = "skillaid.pairings"
    verbose_name = "结对帮扶"

    def ready(self) -> None:
        from skillaid.accounts.sections import section_register
        from skillaid.institutions.selectors import reach_register

        from .selectors import schools_reached
        from .views import school_pairings

        reach_register(schools_reached)
        section_register("institution_detail", school_pairings)

        # What waits for a school on its desk: summaries falling due or overdue.
        from skillaid.accounts.desk import todo_register

        from .todos import pairing_todos

        todo_register(pairing_todos, order=60)
