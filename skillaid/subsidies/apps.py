from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "skillaid.subsidies"
    verbose_name = "补贴"
