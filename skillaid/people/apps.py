from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "skillaid.people"
    verbose_name = "人员与台账"

    def ready(self) -> None:
        from skillaid.accounts.keys import register_sealed

        register_sealed("people.Person", "id_sealed", "id_index")
