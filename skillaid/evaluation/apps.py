from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "skillaid.evaluation"
    verbose_name = "技能评价与证书"
