"""The nightly recomputation of the monthly call counts: a django-celery-beat schedule, editable in the admin.

Runs at 03:30 in the service's time zone (settings.TIME_ZONE at migration time). Idempotent: a schedule that
already exists (perhaps edited, or disabled, by an administrator) is left as it is.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Nightly recomputation of the call counts"
TASK = "calls.tasks.calls_counts_recompute_task"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        crontab=crontab,
        kwargs="{}",
        description="Re-places calls left on an older sector map, then recomputes every monthly count.",
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0004_monthly_call_counts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
