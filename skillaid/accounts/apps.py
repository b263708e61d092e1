from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skillaid.accounts"
    verbose_name = "用户与审计"
