from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "skillaid.training"
    verbose_name = "职业技能培训"
