from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "skillaid.regions"
    verbose_name = "行政区划"
