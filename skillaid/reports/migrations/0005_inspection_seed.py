"""Random inspections: the rule a draw was made by (draws recorded before keep the
former rule, `random-sample`), when the server made the seed, each object's institution
and the digests of that list and of the ties."""

import hashlib

from django.db import migrations, models


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def record_existing(apps, schema_editor):
    InspectionDraw = apps.get_model("reports", "InspectionDraw")
    TrainingClass = apps.get_model("training", "TrainingClass")
    for draw in InspectionDraw.objects.all():
        ids = [int(p) for p in draw.population_ids.split(",") if p.strip()]
        if draw.population == "classes":
            found = dict(
                TrainingClass.objects.filter(pk__in=ids).values_list("id", "institution_id")
            )
        else:
            found = {i: i for i in ids}
        pairs = ",".join(f"{i}:{found[i]}" for i in sorted(ids) if i in found)
        draw.population_pairs = pairs
        draw.population_pairs_digest = _sha(pairs)
        draw.exclusions_digest = _sha(draw.exclusions)
        draw.save(
            update_fields=["population_pairs", "population_pairs_digest", "exclusions_digest"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_tally_recent"),
        ("training", "0006_attendance_flag_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectiondraw",
            name="rule",
            field=models.CharField(default="random-sample", max_length=16, verbose_name="抽取规则"),
        ),
        migrations.AlterField(
            model_name="inspectiondraw",
            name="rule",
            field=models.CharField(default="sha256-key", max_length=16, verbose_name="抽取规则"),
        ),
        migrations.AddField(
            model_name="inspectiondraw",
            name="seed_made_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="随机种子生成时间"),
        ),
        migrations.AddField(
            model_name="inspectiondraw",
            name="exclusions_digest",
            field=models.CharField(blank=True, max_length=64, verbose_name="回避关系摘要"),
        ),
        migrations.AddField(
            model_name="inspectiondraw",
            name="population_pairs",
            field=models.TextField(blank=True, verbose_name="对象所属院校/机构"),
        ),
        migrations.AddField(
            model_name="inspectiondraw",
            name="population_pairs_digest",
            field=models.CharField(blank=True, max_length=64, verbose_name="对象所属院校/机构摘要"),
        ),
        migrations.RunPython(record_existing, migrations.RunPython.noop),
    ]
