from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "skillaid.matching"
    verbose_name = "精准比对"
