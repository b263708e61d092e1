from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "skillaid.evaluation"
    verbose_name = "技能评价与证书"

    def ready(self) -> None:
        from .tasks import register_jobs

        register_jobs()
