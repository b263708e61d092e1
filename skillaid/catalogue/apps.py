from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "skillaid.catalogue"
    verbose_name = "需求指导目录"

    def ready(self) -> None:
        from .tasks import register_jobs

        register_jobs()
