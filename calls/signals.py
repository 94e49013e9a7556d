"""What the calls app does when things it depends on change: it only notices, and enqueues a task on commit.

* A new sector map version (beats.signals adds one on every sector change): re-place the calls. The calls app
  subscribes to the beats app here, so that beats never imports calls.
* A call type's urgency or category changed (admin list, service), or a category was deleted: recompute the
  months holding calls of those types.

robust=True: a broker that is down must not break the sector or call-type save that already committed; the
nightly recomputation re-places and recounts whatever was missed.
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from beats.models import SectorMapVersion

from .models import CallCategory, CallType


def _enqueue_recompute(call_type_ids: list[int]) -> None:
    from .tasks import calls_counts_recompute_task

    transaction.on_commit(lambda: calls_counts_recompute_task.delay(call_type_ids=call_type_ids), robust=True)


@receiver(post_save, sender=SectorMapVersion, dispatch_uid="calls_replace_on_new_map_version")
def sector_map_version_created(
    sender, instance: SectorMapVersion, created: bool, raw: bool = False, **kwargs
):
    if not created or raw:
        return
    from .tasks import calls_replace_task

    version_id = instance.pk
    transaction.on_commit(lambda: calls_replace_task.delay(version_id), robust=True)


@receiver(pre_save, sender=CallType, dispatch_uid="calls_type_classification_before")
def call_type_before_save(sender, instance: CallType, raw: bool = False, **kwargs):
    instance._classification_changed = False
    if raw or instance.pk is None:
        return
    before = CallType.objects.filter(pk=instance.pk).values_list("urgency", "category_id").first()
    instance._classification_changed = before is not None and before != (
        instance.urgency,
        instance.category_id,
    )


@receiver(post_save, sender=CallType, dispatch_uid="calls_type_classification_after")
def call_type_saved(sender, instance: CallType, created: bool, raw: bool = False, **kwargs):
    # A new type has no calls yet; imports count the calls they bring.
    if getattr(instance, "_classification_changed", False):
        instance._classification_changed = False
        _enqueue_recompute([instance.pk])


@receiver(pre_delete, sender=CallCategory, dispatch_uid="calls_category_deleted")
def call_category_deleted(sender, instance: CallCategory, **kwargs):
    # Its counts go with it (CASCADE) and its call types become uncategorised: count their calls again.
    call_type_ids = list(instance.call_types.values_list("pk", flat=True))
    if call_type_ids:
        _enqueue_recompute(call_type_ids)
