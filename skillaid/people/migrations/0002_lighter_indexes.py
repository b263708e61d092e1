
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0001_initial'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='person',
            name='people_pers_county__4d5152_idx',
        ),
        migrations.AlterField(
            model_name='household',
            name='county',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region'),
        ),
        # The blind index keeps the first 128 bits of the same HMAC.
        migrations.RunSQL(
            "UPDATE people_person SET id_index = substr(id_index, 1, 32)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='person',
            name='id_index',
            field=models.CharField(max_length=32, unique=True),
        ),
        migrations.AlterField(
            model_name='person',
            name='name_initials',
            field=models.CharField(max_length=32, verbose_name='拼音首字母'),
        ),
        migrations.AlterField(
            model_name='person',
            name='resettlement_site',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.resettlementsite', verbose_name='安置区'),
        ),
    ]
