from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "skillaid.subsidies"
    verbose_name = "补贴"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from skillaid.accounts.imports.framework import register_importer
        from skillaid.accounts.middleware import person_pages_register
        from skillaid.accounts.review import review_register
        from skillaid.accounts.sections import section_register
        from skillaid.evaluation.models import Certificate
        from skillaid.training.signals import attendance_settled, class_closed

        from . import receivers
        from .apprentices import ApprenticeImport
        from .review import CLAIM_REVIEW
        from .sections import class_claim_section, own_claims_section, person_claims_section

        review_register(CLAIM_REVIEW)
        register_importer(ApprenticeImport)
        class_closed.connect(receivers.on_class_closed, dispatch_uid="subsidies.class_closed")
        attendance_settled.connect(
            receivers.on_attendance_settled, dispatch_uid="subsidies.attendance_settled"
        )
        from skillaid.people.signals import facts_recorded

        facts_recorded.connect(receivers.on_facts_recorded, dispatch_uid="subsidies.facts")
        from skillaid.people.facts import declared_register

        from .sections import declared_insured

        declared_register(declared_insured)
        post_save.connect(
            receivers.on_certificate_saved,
            sender=Certificate,
            dispatch_uid="subsidies.certificate_saved",
        )
        # Trial calculation (试算) of a rule change over many classes: a background job.
        from skillaid.accounts.jobs import register as job_register

        from .trial import JOB_KIND, run_trial_job

        job_register(JOB_KIND, label="补贴规则试算", run=run_trial_job)
        section_register("class_detail", class_claim_section)
        section_register("person_detail", person_claims_section, order=120)
        section_register("me", own_claims_section, order=120)

        from skillaid.evaluation.record import record_events_register

        from .sections import record_events

        record_events_register(record_events)
        # The public publication pages are open to a person signed in to their own account.
        person_pages_register("public_publications", "public_publication")
        # Payment (发放): bank accounts sealed with the ID key, the bank file job, the
        # bank's result import, and the account on the person's and institution's page.
        from skillaid.accounts.keys import register_sealed

        from .bank_results import BankResultImport
        from .payout_sections import institution_account_section, person_account_section
        from .payouts import EXPORT_KIND, run_export_job

        register_sealed("subsidies.PayeeAccount", "account_sealed")
        register_sealed("subsidies.Payment", "account_sealed")
        job_register(EXPORT_KIND, label="银行代发文件生成", run=run_export_job)
        register_importer(BankResultImport)
        section_register("person_detail", person_account_section, order=125)
        section_register("institution_detail", institution_account_section, order=125)
        # What waits for a user on their desk: claims to review, objections, bank results.
        from skillaid.accounts.desk import todo_register

        from .todos import subsidy_todos

        todo_register(subsidy_todos, order=20)
