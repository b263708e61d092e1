# The ledger's own ImportJob is replaced by the shared accounts.Job: its rows are copied
# there (same ids, so the addresses /imports/<id>/ still lead to them), then it is dropped.

import datetime as dt

from django.conf import settings
from django.db import migrations


def copy_to_jobs(apps, schema_editor):
    ImportJob = apps.get_model("people", "ImportJob")
    Job = apps.get_model("accounts", "Job")
    days = getattr(settings, "SKILLAID_FILE_RETENTION_DAYS", 30)
    jobs = []
    for old in ImportJob.objects.all().iterator():
        ended = old.finished_at or old.created_at
        jobs.append(
            Job(
                id=old.id,
                kind="ledger_import",
                owner_id=old.created_by_id,
                state=old.status,  # queued, running, done, failed: the same values
                done=old.rows_done,
                total=old.rows_total,
                params={"county": old.county_id or "", "dry_run": old.dry_run},
                result=old.result,
                filename=old.filename,
                file=old.file.name,
                report=old.report.name if old.report else "",
                error=old.error,
                created_at=old.created_at,
                finished_at=old.finished_at,
                expires_at=ended + dt.timedelta(days=days),
            )
        )
    Job.objects.bulk_create(jobs, batch_size=500)
    if jobs and schema_editor.connection.vendor == "postgresql":
        table = Job._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )


def copy_back(apps, schema_editor):
    ImportJob = apps.get_model("people", "ImportJob")
    Job = apps.get_model("accounts", "Job")
    for job in Job.objects.filter(kind="ledger_import").iterator():
        ImportJob.objects.create(
            id=job.id,
            created_by_id=job.owner_id,
            created_at=job.created_at,
            filename=job.filename,
            file=job.file.name,
            county_id=job.params.get("county") or None,
            dry_run=bool(job.params.get("dry_run")),
            status=job.state,
            rows_done=job.done,
            rows_total=job.total,
            result=job.result,
            error=job.error,
            report=job.report.name if job.report else "",
            finished_at=job.finished_at,
        )
    Job.objects.filter(kind="ledger_import").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_job"),
        ("people", "0005_person_id_index_constraint"),
    ]

    operations = [
        migrations.RunPython(copy_to_jobs, copy_back),
        migrations.DeleteModel(name="ImportJob"),
    ]
