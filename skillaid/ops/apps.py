from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "skillaid.ops"
    verbose_name = "运维"
