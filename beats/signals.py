from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Sector, SectorMapVersion


@receiver(post_save, sender=Sector, dispatch_uid="sector_saved_bumps_map_version")
@receiver(post_delete, sender=Sector, dispatch_uid="sector_deleted_bumps_map_version")
def sector_map_changed(sender, instance: Sector, **kwargs) -> None:
    # Any write path (admin, import, shell, fixtures) moves the map version on, inside the same transaction,
    # so that a rolled-back import leaves the version — and every cached index — where it was.
    action = "deleted" if kwargs.get("signal") is post_delete else "saved"
    SectorMapVersion.objects.create(reason=f"sector {instance.code} {action}"[:200])
