"""The monthly reports: a django-celery-beat schedule, editable in the admin.

Runs at 06:00 on the 1st of each month in the service's time zone (settings.TIME_ZONE at migration time) and
builds last month's reports (reports.tasks.monthly_reports_task). Idempotent: a schedule that already exists
(perhaps edited, or disabled, by an administrator) is left as it is.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Monthly reports (last month)"
TASK = "reports.tasks.monthly_reports_task"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="*",
        day_of_month="1",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        crontab=crontab,
        kwargs="{}",
        description="Builds last month's reports (whole territory and each municipality) in the formats and "
        "languages of REPORTS_SCHEDULED_FORMATS and REPORTS_SCHEDULED_LANGUAGES, then e-mails the analysts.",
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_generated_report"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
