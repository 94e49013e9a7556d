"""Celery entry points of the contacts app."""

from celery import shared_task
from django.conf import settings

from .services.retention import contacts_apply_retention


@shared_task(soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT, time_limit=settings.CELERY_TASK_TIME_LIMIT)
def contacts_retention_task() -> dict[str, int]:
    """The nightly retention (contacts/migrations/0005): safe to run twice, the second run finds nothing."""
    return contacts_apply_retention()
