"""The nightly retention of contacts (identities and free text past CONTACTS_RETENTION_MONTHS): a
django-celery-beat schedule, editable in the admin.

Runs at 02:45 in the service's time zone. Idempotent: a schedule that already exists (perhaps edited, or
disabled, by an administrator) is left as it is.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Nightly retention of residents' contact data"
TASK = "contacts.tasks.contacts_retention_task"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="45",
        hour="2",
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
        description="Destroys residents' identities and blanks contact summaries and referral outcomes older "
        "than the retention period; counts stay.",
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
