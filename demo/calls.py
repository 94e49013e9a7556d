"""The demo's 911 calls: the call-type mapping of the demo dispatch export, and two years of its calls.

The calls come from `demo.cad_export.write_demo_cad` (seasons, hours, a slow trend, and a programme effect
on non-urgent calls that the analysts' figures must find), written to a temporary file and imported with
`calls.services.ingest.calls_import` through the shipped profile "longueuil-cad-demo", exactly as an analyst's
upload would be. A few bad rows are left in on purpose, in threshold mode, so that the demo's batch has an
error report and a data-quality panel to look at.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from calls.models import Call, CallCategory, CallType, ImportBatch, ImportProfile, Urgency
from calls.services.ingest import calls_import
from common.months import add_months, month_start

from .cad_export import write_demo_cad
from .cad_model import DEMO_CALL_TYPES

DEMO_PROFILE = "longueuil-cad-demo"
# Demo-sized: about 2,500 calls a month for some 430,000 residents (a real service answers more), so that
# `seed_demo` stays quick on SQLite. An optional setting DEMO_CALL_ROWS overrides it (the demo tests set 0).
DEMO_CALL_ROWS = 60_000
DEMO_CALL_MONTHS = 24
DEMO_CALL_SEED = 2026
# About 30 bad rows in 60,000 (bad dates, missing numbers, far or unreadable coordinates, empty lines): the
# batch keeps the rest and lists them, line by line, in its error report.
DEMO_BAD_ROW_RATE = 0.0005
DEMO_MAX_BAD_PERCENT = 1

# Names of the categories the demo call types map to (demo.cad_model's slugs), in French and English.
DEMO_CATEGORIES = {
    "administrative": ("Administratif", "Administrative"),
    "alarm": ("Alarmes", "Alarms"),
    "animals": ("Animaux", "Animals"),
    "assistance": ("Assistance au public", "Assistance to the public"),
    "nuisance": ("Nuisances", "Nuisances"),
    "parking": ("Stationnement", "Parking"),
    "prevention": ("Prévention", "Prevention"),
    "property": ("Crimes contre les biens", "Property crime"),
    "traffic": ("Circulation", "Traffic"),
    "violence": ("Violence et menaces", "Violence and threats"),
    "wellbeing": ("Bien-être et santé mentale", "Wellbeing and mental health"),
}


def demo_profile() -> ImportProfile:
    """The shipped profile of the demo export, made again from its data migration if it was deleted."""
    profile = ImportProfile.objects.filter(name=DEMO_PROFILE).first()
    if profile is None:
        shipped = importlib.import_module("calls.migrations.0002_shipped_profiles").PROFILES[DEMO_PROFILE]
        profile = ImportProfile.objects.create(name=DEMO_PROFILE, **shipped)
    return profile


def demo_call_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the DEMO_CALL_MONTHS full months before `today`'s month."""
    this_month = month_start(today)
    return add_months(this_month, -DEMO_CALL_MONTHS), this_month - datetime.timedelta(days=1)


def demo_seed_call_types() -> dict:
    """The categories and the mapping of the demo export's call types to a category and an urgency class.

    Missing ones are created; a call type an import met first (still unmapped, no category) is mapped. One
    already mapped is left as it is: an analyst may have changed it since, and the analyst is right.
    """
    source = demo_profile().source
    categories = {category.slug: category for category in CallCategory.objects.all()}
    counts = {"call_categories_created": 0, "call_types_created": 0, "call_types_mapped": 0}
    for slug in sorted({call_type.category for call_type in DEMO_CALL_TYPES}):
        if slug not in categories:
            name_fr, name_en = DEMO_CATEGORIES[slug]
            categories[slug] = CallCategory.objects.create(slug=slug, name_fr=name_fr, name_en=name_en)
            counts["call_categories_created"] += 1
    existing = {call_type.code: call_type for call_type in CallType.objects.filter(source=source)}
    for demo in DEMO_CALL_TYPES:
        category = categories[demo.category]
        call_type = existing.get(demo.code)
        if call_type is None:
            CallType.objects.create(
                source=source, code=demo.code, label=demo.label_fr, category=category, urgency=demo.urgency
            )
            counts["call_types_created"] += 1
        elif call_type.urgency == Urgency.UNMAPPED and call_type.category_id is None:
            call_type.urgency, call_type.category = demo.urgency, category
            call_type.save(update_fields=["urgency", "category"])
            counts["call_types_mapped"] += 1
    return counts


def demo_seed_calls(*, today: datetime.date | None = None, rows: int | None = None) -> dict:
    """Two years of synthetic calls, imported like an analyst's upload; running it again adds nothing.

    `rows` defaults to the setting DEMO_CALL_ROWS, else DEMO_CALL_ROWS. The same window and seed give the same
    file, byte for byte: when a batch of that file (same checksum) already succeeded and its calls are still
    there, nothing is imported again and no batch is added. Otherwise the import upserts by incident number,
    so a repeated file changes nothing and a later window updates the calls it shares with the earlier one.

    Calls calls_import, which must run outside a transaction (see calls.services.ingest): the batch row is committed
    on its own and the calls are all kept or all rolled back.
    """
    rows = getattr(settings, "DEMO_CALL_ROWS", DEMO_CALL_ROWS) if rows is None else rows
    start, end = demo_call_window(today or timezone.localdate())
    profile = demo_profile()
    file_name = f"demo-cad-{start:%Y-%m}-{end:%Y-%m}.csv"
    counts = {
        "calls_rows": 0,
        "calls_created": 0,
        "calls_updated": 0,
        "calls_unchanged": 0,
        "calls_rejected": 0,
        "calls_unplaced": 0,
        "calls_batch_status": "",
        "calls_already_imported": False,
    }
    if rows <= 0:
        return counts
    with tempfile.TemporaryDirectory(prefix="proximity-demo-calls-") as folder:
        path = Path(folder) / file_name
        with path.open("wb") as out:
            summary = write_demo_cad(
                out,
                rows=rows,
                start=start,
                end=end,
                seed=DEMO_CALL_SEED,
                bad_row_rate=DEMO_BAD_ROW_RATE,
            )
        counts["calls_rows"] = summary.rows
        checksum = _sha256(path)
        done = (
            ImportBatch.objects.filter(
                profile=profile, checksum=checksum, status=ImportBatch.Status.SUCCEEDED
            )
            .order_by("-pk")
            .first()
        )
        if done is not None and Call.objects.filter(source=profile.source).count() >= summary.valid_rows:
            counts.update(
                calls_unchanged=done.created + done.updated + done.unchanged,
                calls_rejected=done.rejected,
                calls_unplaced=done.unplaced,
                calls_batch_status=str(done.status),
                calls_already_imported=True,
            )
            return counts
        batch = calls_import(
            profile=profile,
            file=path,
            file_name=file_name,
            mode=ImportBatch.Mode.THRESHOLD,
            max_bad_percent=DEMO_MAX_BAD_PERCENT,
        )
    counts.update(
        calls_created=batch.created,
        calls_updated=batch.updated,
        calls_unchanged=batch.unchanged,
        calls_rejected=batch.rejected,
        calls_unplaced=batch.unplaced,
        calls_batch_status=str(batch.status),
    )
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
