from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "skillaid.people"
    verbose_name = "人员与台账"

    def ready(self) -> None:
        from skillaid.accounts.forms import login_name_register
        from skillaid.accounts.keys import register_sealed
        from skillaid.accounts.middleware import person_pages_register
        from skillaid.accounts.sections import section_register

        from .me_views import own_account_section
        from .own_account import login_name
        from .tasks import register_jobs

        register_sealed("people.Person", "id_sealed", "id_index")
        register_jobs()
        login_name_register(login_name)
        section_register("person_detail", own_account_section, order=50)
        # Where each basis of the person stands (registry comparisons, a clerk's check).
        from .facts import facts_section

        section_register("person_detail", facts_section, order=40)
        # A person's own account opens their page and the page that opens an account.
        person_pages_register("me_open", home="me")
