from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "skillaid.evaluation"
    verbose_name = "技能评价与证书"

    def ready(self) -> None:
        from skillaid.accounts.middleware import person_pages_register
        from skillaid.accounts.sections import section_register

        from .tasks import register_jobs
        from .views import lifelong_record_section, own_record_section

        register_jobs()
        section_register("person_detail", lifelong_record_section)
        section_register("me", own_record_section)
        # Their own record's files, and the public check of a certificate.
        person_pages_register("me_record", "me_record_pdf", "verify")
