from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "skillaid.institutions"
    verbose_name = "院校与培训机构"
