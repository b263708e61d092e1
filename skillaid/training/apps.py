from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "skillaid.training"
    verbose_name = "职业技能培训"

    def ready(self) -> None:
        from .tasks import register_jobs

        register_jobs()
