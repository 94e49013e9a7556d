"""Test counts written by hand stand for an import: `observe` records the succeeded batch that observed their
months (calls.observed), as an import that placed calls in those months would."""

from datetime import date, datetime, timedelta

from calls.models import ImportBatch, ImportProfile
from common.months import add_months, service_zone


def observe(first: date, last: date | None = None) -> ImportBatch:
    """A succeeded batch whose placed calls span the months `first` to `last` (default: `first`'s month)."""
    zone = service_zone()
    last = last or first
    profile, _created = ImportProfile.objects.get_or_create(
        name="test observed months",
        defaults={
            "source": "test-cad",
            "incident_number_column": "n",
            "received_at_column": "t",
            "call_type_code_column": "c",
        },
    )
    following = add_months(last, 1)
    return ImportBatch.objects.create(
        profile=profile,
        file_name="observed.csv",
        status=ImportBatch.Status.SUCCEEDED,
        placed_from=datetime(first.year, first.month, 1, tzinfo=zone),
        placed_until=datetime(following.year, following.month, 1, tzinfo=zone) - timedelta(seconds=1),
    )
