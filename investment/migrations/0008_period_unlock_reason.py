import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('investment', '0007_amount_range_and_versions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reportingperiod',
            name='unlocked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='解锁时间'),
        ),
        migrations.AddField(
            model_name='reportingperiod',
            name='unlocked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='解锁人'),
        ),
        migrations.AddField(
            model_name='reportingperiod',
            name='unlock_reason',
            field=models.TextField(blank=True, verbose_name='解锁原因'),
        ),
        migrations.AddField(
            model_name='historicalreportingperiod',
            name='unlocked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='解锁时间'),
        ),
        migrations.AddField(
            model_name='historicalreportingperiod',
            name='unlocked_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='解锁人'),
        ),
        migrations.AddField(
            model_name='historicalreportingperiod',
            name='unlock_reason',
            field=models.TextField(blank=True, verbose_name='解锁原因'),
        ),
    ]
