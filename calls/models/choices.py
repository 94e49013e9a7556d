"""The fixed vocabularies of calls: urgency classes, origins, and how a call got its sector."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from beats import index as sector_index


class Urgency(models.TextChoices):
    URGENT = "urgent", _("urgent")
    NON_URGENT = "non_urgent", _("non-urgent")
    OTHER = "other", _("other")
    UNMAPPED = "unmapped", _("not mapped yet")


class Origin(models.TextChoices):
    EMERGENCY_911 = "911", _("911")
    PHONE = "phone", _("phone (not 911)")
    ON_VIEW = "on_view", _("on view (officer initiated)")
    OTHER = "other", _("other")


class Placement(models.IntegerChoices):
    """How a call got its sector; the first three are beats.index's rules, kept with the same numbers."""

    UNPLACED = 0, _("unplaced")
    INSIDE = sector_index.INSIDE, _("inside a sector")
    BOUNDARY = sector_index.BOUNDARY, _("on a boundary")
    NEARBY = sector_index.NEARBY, _("near a sector")
    SOURCE_CODE = 5, _("from the source's sector code")
