from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "skillaid.people"
    verbose_name = "人员与台账"

    def ready(self) -> None:
        from .tasks import register_jobs

        register_jobs()
