from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "skillaid.people"
    verbose_name = "人员与台账"

    def ready(self) -> None:
        from skillaid.accounts.keys import register_sealed

        from .tasks import register_jobs

        register_sealed("people.Person", "id_sealed", "id_index")
        register_jobs()
