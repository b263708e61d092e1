from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "skillaid.subsidies"
    verbose_name = "补贴"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from skillaid.accounts.review import review_register
        from skillaid.accounts.sections import section_register
        from skillaid.evaluation.models import Certificate
        from skillaid.training.signals import attendance_settled, class_closed

        from . import receivers
        from .review import CLAIM_REVIEW
        from .sections import class_claim_section, own_claims_section, person_claims_section

        review_register(CLAIM_REVIEW)
        class_closed.connect(receivers.on_class_closed, dispatch_uid="subsidies.class_closed")
        attendance_settled.connect(
            receivers.on_attendance_settled, dispatch_uid="subsidies.attendance_settled"
        )
        post_save.connect(
            receivers.on_certificate_saved,
            sender=Certificate,
            dispatch_uid="subsidies.certificate_saved",
        )
        section_register("class_detail", class_claim_section)
        section_register("person_detail", person_claims_section, order=120)
        section_register("me", own_claims_section, order=120)

        # Payment (发放): bank accounts sealed with the ID key, the bank file job, the
        # bank's result import, and the account on the person's and institution's page.
        from skillaid.accounts.imports.framework import register_importer
        from skillaid.accounts.jobs import register
        from skillaid.accounts.keys import register_sealed

        from .bank_results import BankResultImport
        from .payout_sections import institution_account_section, person_account_section
        from .payouts import EXPORT_KIND, run_export_job

        register_sealed("subsidies.PayeeAccount", "account_sealed")
        register_sealed("subsidies.Payment", "account_sealed")
        register(EXPORT_KIND, label="银行代发文件生成", run=run_export_job)
        register_importer(BankResultImport)
        section_register("person_detail", person_account_section, order=125)
        section_register("institution_detail", institution_account_section, order=125)
