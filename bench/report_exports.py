"""Benchmark: the monthly report of a 50-sector territory, a year of months, in CSV, XLSX and PDF.

    .venv/bin/python bench/report_exports.py                 # 50 sectors, the 12 months of the last year
    .venv/bin/python bench/report_exports.py --sectors 17    # another size
    .venv/bin/python bench/report_exports.py --months 3      # fewer reports (quicker)

Issue 7 asks for "a 12-month, 50-sector territory report in each format — time and peak memory", with
targets XLSX ≤ 2 s and PDF ≤ 5 s. A report covers one month (with its 13-month trend and the year to date);
this script builds the territory's report for each of the last --months months (default 12: a year of
reports, the schedule's work) and prints, per step, the median and the slowest month.

The unit, in a PostgreSQL database of its own (DATABASE_URL, default
postgres://root:root@127.0.0.1:5432/proximity_bench_reports, created if missing, migrated, emptied and
refilled at each run), with production settings (DJANGO_DEBUG=0):

* 50 sectors: the real Seattle police beats (../shared/data/seattle, their real boundaries — the map is
  drawn from them) when the file is there, else squares on a grid; every other sector with a programme start
  date 13 months before the last month (so each has a 12-month baseline);
* 25 months of stored monthly call counts (sector × month × urgency × 6 categories, ~1,000 calls a month per
  sector) written straight into calls_monthlycallcount — the report reads only the counts, never the calls;
* 12 contacts per sector and month (channels, 1–2 categories, 911 avoided, follow-ups), a third referred
  to a partner of one of 8 types or to the social worker, half of those completed;
* 3 campaigns, 4 activities a month with attendance, one primary officer per sector and a backup covering
  absences, some sectors vacant part of the year.

Steps timed for each month (wall clock; one warm-up report first):

  figures    reports.selectors.monthly_report(): every query and figure (the same for every format);
  csv/xlsx/pdf  reports.exporters.render() of those figures, in French (and English once, to compare).

Baselines, in the same run, on the same report: what the libraries cost with nothing of ours —
  csv floor   csv.writer writing the CSV's rows (already computed) to a StringIO;
  xlsx floor  XlsxWriter writing the same number of cells (the CSV's rows) into one plain sheet, no formats,
              no charts;
  pdf floor   ReportLab's canvas writing the CSV's rows as plain text lines, 60 a page.

Peak memory: for one month, each step again under tracemalloc (Python allocations, the peak above the start),
and the process's peak RSS at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["DATABASE_URL"] = os.environ.get(
    "DATABASE_URL", "postgres://root:root@127.0.0.1:5432/proximity_bench_reports"
)
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")

SEATTLE_BEATS = ROOT.parent / "shared" / "data" / "seattle" / "Seattle_Police_Beats_2018-Present.geojson"
CALL_MONTHS = 25
CONTACTS_PER_SECTOR_MONTH = 12


def boundaries(count: int) -> tuple[list[dict], str]:
    if SEATTLE_BEATS.exists():
        features = json.loads(SEATTLE_BEATS.read_text())["features"]
        features = sorted(
            (f for f in features if f["properties"]["beat"] not in ("99", "H1", "H2", "H3")),
            key=lambda f: f["properties"]["beat"],
        )
        if len(features) >= count:
            return [f["geometry"] for f in features[:count]], "Seattle police beats"
    grid = []
    for n in range(count):
        x, y = -73.6 + 0.02 * (n % 10), 45.4 + 0.02 * (n // 10)
        ring = [[x, y], [x + 0.02, y], [x + 0.02, y + 0.02], [x, y + 0.02], [x, y]]
        grid.append({"type": "Polygon", "coordinates": [ring]})
    return grid, "grid squares"


def build_unit(sector_count: int, last_month: date) -> str:
    """Empty the unit and fill it again (see the module's docstring). Returns where the boundaries came from."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from beats.models import Sector
    from bench.database import record_observed_import
    from calls.models import CallCategory, MonthlyCallCount, Urgency
    from common.months import add_months, month_range
    from contacts.models import Channel, Contact, ContactCategory, Outcome, Partner, PartnerType, Referral
    from officers.models import Absence, Assignment, Officer
    from outreach.models import Activity, ActivityType, Campaign, CampaignType

    rng = random.Random(2026)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE calls_monthlycallcount, contacts_referral, contacts_contact_categories, contacts_contact,"
            " contacts_partner CASCADE"
        )
    Activity.objects.all().delete()
    Campaign.objects.all().delete()
    Absence.objects.all().delete()
    Assignment.objects.all().delete()
    Officer.objects.all().delete()
    get_user_model().objects.filter(username__startswith="bench-officer-").delete()
    Sector.objects.all().delete()

    geometries, origin = boundaries(sector_count)
    first_month = add_months(last_month, -(CALL_MONTHS - 1))
    programme_start = add_months(last_month, -12)
    with transaction.atomic():
        sectors = [
            Sector.objects.create(
                code=f"B{n + 1:02d}",
                name=f"Secteur {n + 1}",
                municipality=("Nord", "Centre", "Sud")[n % 3],
                population=8000 + 250 * n,
                programme_started_on=programme_start if n % 2 == 0 else None,
                geometry=geometry,
            )
            for n, geometry in enumerate(geometries)
        ]
        categories = [
            CallCategory.objects.get_or_create(
                slug=f"bench-{n}", defaults={"name_fr": f"C{n}", "name_en": f"C{n}"}
            )[0]
            for n in range(6)
        ]
        counts = []
        for sector in sectors:
            size = rng.uniform(0.5, 1.5)
            for month in month_range(first_month, last_month):
                season = 1 + 0.12 * (month.month in (6, 7, 8))
                for urgency, share in (
                    (Urgency.URGENT, 0.3),
                    (Urgency.NON_URGENT, 0.55),
                    (Urgency.OTHER, 0.15),
                ):
                    for category in categories:
                        count = int(1000 * size * season * share / 6 * rng.uniform(0.8, 1.2))
                        counts.append(
                            MonthlyCallCount(
                                sector=sector, month=month, urgency=urgency, category=category, count=count
                            )
                        )
        MonthlyCallCount.objects.bulk_create(counts, batch_size=5000)
        record_observed_import(first_month, last_month)

        user_model = get_user_model()
        officers = []
        for n, sector in enumerate(sectors):
            user = user_model.objects.create_user(username=f"bench-officer-{n}", is_staff=True)
            officer = Officer.objects.create(
                user=user, badge_number=f"B{n}", first_name="Agent", last_name=str(n), is_published=True
            )
            officers.append(officer)
            starts = first_month if n % 7 else add_months(last_month, -5)  # every 7th: vacant for a while
            Assignment.objects.create(officer=officer, sector=sector, starts_on=starts)
        backup = Officer.objects.create(badge_number="BK", first_name="Relève", last_name="Bench")
        for n, officer in enumerate(officers[::4]):
            start = add_months(last_month, -(n % 12)) + timedelta(days=3)
            Absence.objects.create(
                officer=officer, starts_on=start, ends_on=start + timedelta(days=9), covering_officer=backup
            )

        partners = [
            Partner.objects.create(name=f"Organisme {kind.label}", kind=kind)
            for kind in list(PartnerType)[:8]
        ]
        contact_categories = list(ContactCategory.objects.all())
        channels = Channel.values
        contacts, links = [], []
        for month in month_range(add_months(last_month, -12), last_month):
            for sector, officer in zip(sectors, officers, strict=True):
                for _ in range(CONTACTS_PER_SECTOR_MONTH):
                    when = timezone.make_aware(
                        datetime(
                            month.year,
                            month.month,
                            rng.randint(1, 28),
                            rng.randint(7, 22),
                            rng.randint(0, 59),
                        )
                    )
                    contacts.append(
                        Contact(
                            when=when,
                            officer=officer,
                            sector=sector,
                            channel=rng.choice(channels),
                            outcome=rng.choice([Outcome.RESOLVED, Outcome.REFERRED, Outcome.FOLLOW_UP]),
                            would_have_called_911=rng.random() < 0.25,
                            follow_up_due=when.date() + timedelta(days=7) if rng.random() < 0.2 else None,
                        )
                    )
        Contact.objects.bulk_create(contacts, batch_size=5000)
        through = Contact.categories.through
        for contact in contacts:
            for category in rng.sample(contact_categories, rng.choice((1, 1, 2))):
                links.append(through(contact_id=contact.pk, contactcategory_id=category.pk))
        through.objects.bulk_create(links, batch_size=5000)
        referrals = []
        for contact in contacts:
            if rng.random() < 1 / 3:
                completed = rng.random() < 0.5
                to_worker = rng.random() < 0.15
                referrals.append(
                    Referral(
                        contact=contact,
                        partner=None if to_worker else rng.choice(partners),
                        to_social_worker=to_worker,
                        made_at=contact.when,
                        status=Referral.Status.COMPLETED if completed else Referral.Status.MADE,
                        completed_at=contact.when + timedelta(days=rng.randint(1, 20)) if completed else None,
                    )
                )
        Referral.objects.bulk_create(referrals, batch_size=5000)

        for n, kind in enumerate(list(CampaignType)[:3]):
            Campaign.objects.create(
                title_fr=f"Campagne {n}", kind=kind, starts_on=add_months(last_month, -12), ends_on=None
            )
        for month in month_range(add_months(last_month, -12), last_month):
            for n in range(4):
                sector = rng.choice(sectors)
                start = timezone.make_aware(datetime(month.year, month.month, 5 + 5 * n, 18))
                activity = Activity.objects.create(
                    title_fr=f"Activité {month:%Y-%m} {n}",
                    kind=rng.choice(ActivityType.values),
                    starts_at=start,
                    sector=sector,
                    attendance=rng.randint(5, 80),
                )
                activity.sectors.set(rng.sample(sectors, 2))
    return origin


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def peak_of(function) -> float:
    """Peak Python allocations (MiB) above what was allocated when it started."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    function()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def floors(report) -> dict:
    """The libraries' own costs for a file of the same size, with nothing of ours (see the docstring)."""
    import csv

    import xlsxwriter
    from django.utils import translation
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from reports.exporters.csv import report_rows

    with translation.override("fr"):
        rows = report_rows(report)

    def csv_floor():
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue()

    def xlsx_floor():
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet()
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                sheet.write(r, c, cell)
        book.close()
        return out.getvalue()

    def pdf_floor():
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=A4)
        for n, row in enumerate(rows):
            if n and n % 60 == 0:
                canvas.showPage()
            canvas.drawString(30, 800 - 12 * (n % 60), " ".join(str(cell) for cell in row[6:12])[:110])
        canvas.save()
        return out.getvalue()

    return {"csv": csv_floor, "xlsx": xlsx_floor, "pdf": pdf_floor, "rows": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sectors", type=int, default=50)
    parser.add_argument("--months", type=int, default=12)
    options = parser.parse_args()

    from bench.database import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from common.months import add_months, month_start
    from reports.exporters import render
    from reports.selectors import Scope, monthly_report

    call_command("migrate", verbosity=0)
    last_month = add_months(month_start(timezone.localdate()), -1)
    started = time.perf_counter()
    origin = build_unit(options.sectors, last_month)
    print(f"unit: {options.sectors} sectors ({origin}), built in {time.perf_counter() - started:.1f} s")

    months = [add_months(last_month, -n) for n in range(options.months)][::-1]
    scope = Scope.territory()
    render(monthly_report(month=last_month, scope=scope), fmt="pdf", language="fr")  # warm-up: imports, fonts

    steps = ("figures", "csv", "xlsx", "pdf", "csv floor", "xlsx floor", "pdf floor")
    times: dict[str, list[float]] = {step: [] for step in steps}
    sizes: dict[str, int] = {}
    for month in months:
        seconds, report = timed(lambda month=month: monthly_report(month=month, scope=scope))
        times["figures"].append(seconds)
        for fmt in ("csv", "xlsx", "pdf"):
            seconds, data = timed(lambda fmt=fmt, report=report: render(report, fmt=fmt, language="fr"))
            times[fmt].append(seconds)
            sizes[fmt] = len(data)
        baseline = floors(report)
        for fmt in ("csv", "xlsx", "pdf"):
            seconds, _data = timed(baseline[fmt])
            times[f"{fmt} floor"].append(seconds)
        sizes["rows"] = baseline["rows"]
    english = {
        fmt: timed(lambda fmt=fmt: render(report, fmt=fmt, language="en"))[0]
        for fmt in ("csv", "xlsx", "pdf")
    }

    memory = {"figures": peak_of(lambda: monthly_report(month=last_month, scope=scope))}
    for fmt in ("csv", "xlsx", "pdf"):
        memory[fmt] = peak_of(lambda fmt=fmt: render(report, fmt=fmt, language="fr"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    targets = {"xlsx": 2.0, "pdf": 5.0}
    print(f"\n{options.months} monthly territory reports ({months[0]:%Y-%m} to {months[-1]:%Y-%m}), French;")
    print(
        f"one report: {sizes['rows']:,} CSV rows; files {sizes['csv'] / 1024:,.0f} KiB (CSV), "
        f"{sizes['xlsx'] / 1024:,.0f} KiB (XLSX), {sizes['pdf'] / 1024:,.0f} KiB (PDF)\n"
    )
    print(f"{'step':<14}{'median s':>10}{'slowest s':>11}{'peak MiB':>10}{'EN s':>8}   target / baseline")
    for step in steps:
        median, slowest = statistics.median(times[step]), max(times[step])
        peak = f"{memory[step]:.1f}" if step in memory else ""
        en = f"{english[step]:.2f}" if step in english else ""
        note = ""
        if step in targets:
            total = median + statistics.median(times["figures"])
            note = f"target ≤ {targets[step]:.0f} s: figures + file {total:.2f} s"
        if step in ("csv", "xlsx", "pdf"):
            floor = statistics.median(times[f"{step} floor"])
            note += f"{'; ' if note else ''}{median / floor:.1f}× its floor"
        print(f"{step:<14}{median:>10.3f}{slowest:>11.3f}{peak:>10}{en:>8}   {note}")
    print(f"\npeak RSS of the process: {rss:,.0f} MiB")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, {date.today()}"
    )


if __name__ == "__main__":
    main()
