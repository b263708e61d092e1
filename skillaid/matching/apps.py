from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "skillaid.matching"
    verbose_name = "精准比对"

    def ready(self) -> None:
        from skillaid.accounts.jobs import register as job_register
        from skillaid.accounts.keys import register_sealed
        from skillaid.accounts.review import review_register
        from skillaid.accounts.sections import section_register

        from . import runs, snapshots
        from .decisions import WORKFLOW
        from .sections import person_review_section

        # Exchange keys are sealed with the ID key: a key rotation re-seals them too.
        register_sealed("matching.ExchangeKey", "key_sealed")
        job_register(
            snapshots.JOB_KIND,
            label=snapshots.JOB_LABEL,
            run=snapshots.run_snapshot_job,
            start_url="matching_snapshot_new",
        )
        job_register(runs.JOB_KIND, label=runs.JOB_LABEL, run=runs.run_comparison_job)
        review_register(WORKFLOW)
        section_register("person_detail", person_review_section, order=130)
