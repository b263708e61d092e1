from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skillaid.accounts"
    verbose_name = "用户与审计"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import start_session

        user_logged_in.connect(start_session, dispatch_uid="skillaid_start_session")
