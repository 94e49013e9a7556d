"""Demo outreach: a monthly video series over a year, a police week with events in several sectors (some in
the coming weeks, so the public pages have something to show), door-to-door rounds, and a few sectors'
priorities ("you said / we did").

Dates are relative to the day the demo is first seeded. Idempotent: campaigns are found by their French
title, activities by campaign and French title, priorities by sector and French text; what exists is left as
it is (a second run adds nothing, even on another day).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from beats.models import Sector
from common.months import shift_months
from officers.models import Officer
from outreach.models import Activity, ActivityType, Campaign, CampaignType, PriorityStatus, SectorPriority
from outreach.services import (
    activity_record_release,
    activity_save,
    campaign_plan_series,
    campaign_save,
    priority_save,
)

from .territory import SECTORS

SERIES_TITLE = "Capsules vidéo — Votre police de quartier"
POLICE_WEEK_TITLE = "Semaine de la police de proximité"
DOOR_TO_DOOR_TITLE = "Porte-à-porte — prévention des vols"
VIDEO_LINK = "https://video.example.org/proximite/capsule-{number:02d}"

# (sector, days from the first seeding, start hour, hours, title fr, title en, place, officers' badges, public)
POLICE_WEEK_EVENTS = (
    (
        "VL-01",
        6,
        13,
        4,
        "Portes ouvertes au poste de quartier",
        "Open house at the community station",
        "Poste de quartier, 150 rue Saint-Charles Ouest",
        ("SPAL-1042",),
        True,
    ),
    (
        "SH-03",
        7,
        10,
        2,
        "Café-rencontre avec votre policière",
        "Coffee with your officer",
        "Centre communautaire des Maraîchers",
        ("SPAL-1103",),
        True,
    ),
    (
        "BR-02",
        8,
        11,
        5,
        "Kiosque de prévention au Quartier DIX30",
        "Prevention kiosk at Quartier DIX30",
        "Place centrale du Quartier DIX30",
        ("SPAL-1125",),
        True,
    ),
    (
        "GP-01",
        9,
        15,
        2,
        "Burinage de vélos et sécurité à vélo",
        "Bike engraving and cycling safety",
        "Parc Empire, Greenfield Park",
        ("SPAL-1112",),
        True,
    ),
    (
        "VL-03",
        10,
        18,
        2,
        "Soirée d'information pour les familles",
        "Information evening for families",
        "École Saint-Jude",
        ("SPAL-1063",),
        True,
    ),
    (
        "BO-01",
        12,
        9,
        3,
        "Patrouille à vélo avec les résidents",
        "Bike patrol with residents",
        "Parc de la Broquerie",
        ("SPAL-1137",),
        True,
    ),
    (
        "SH-01",
        11,
        14,
        1,
        "Rencontre avec les commerçants (interne)",
        "Meeting with merchants (internal)",
        "Boulevard Laflèche",
        ("SPAL-1090",),
        False,
    ),
)
# (sector, days from the first seeding, title fr, title en, officers' badges, attendance when past, public)
DOOR_TO_DOOR_ROUNDS = (
    (
        "VL-03",
        -40,
        "Tournée de prévention — rue Grant",
        "Prevention round — Grant street",
        ("SPAL-1063",),
        64,
        False,
    ),
    (
        "SH-01",
        -26,
        "Tournée de prévention — secteur Laflèche",
        "Prevention round — Laflèche area",
        ("SPAL-1090",),
        51,
        False,
    ),
    ("BR-01", -12, "Tournée de prévention — Panama", "Prevention round — Panama", ("SPAL-1118",), 38, False),
    (
        "VL-05",
        16,
        "Tournée de prévention — Coteau-Rouge",
        "Prevention round — Coteau-Rouge",
        ("SPAL-1078",),
        None,
        True,
    ),
)
# (sector, months ago, status, you said fr, you said en, we did fr, we did en, public)
PRIORITIES = (
    (
        "VL-01",
        8,
        PriorityStatus.DONE,
        "La vitesse des voitures rue Saint-Charles, surtout près de l'école.",
        "Cars speeding on Saint-Charles street, especially near the school.",
        "Opérations radar chaque semaine pendant trois mois et affichage de vitesse installé avec la Ville.",
        "Weekly radar checks for three months, and a speed display installed with the City.",
        True,
    ),
    (
        "VL-01",
        2,
        PriorityStatus.IN_PROGRESS,
        "Des rassemblements bruyants le soir au parc Saint-Mark.",
        "Noisy gatherings in the evening at Saint-Mark park.",
        "Patrouilles à pied en soirée et rencontre avec la maison des jeunes du quartier.",
        "Evening foot patrols and a meeting with the neighbourhood youth centre.",
        True,
    ),
    (
        "VL-03",
        5,
        PriorityStatus.IN_PROGRESS,
        "Des vols dans les voitures la nuit.",
        "Thefts from cars at night.",
        "Tournées de prévention porte-à-porte et conseils affichés dans les immeubles.",
        "Door-to-door prevention rounds and advice posted in apartment buildings.",
        True,
    ),
    (
        "SH-03",
        1,
        PriorityStatus.OPEN,
        "Le manque d'éclairage sur le sentier près de la voie ferrée.",
        "The lack of lighting on the path near the railway.",
        "",
        "",
        True,
    ),
    (
        "BR-02",
        10,
        PriorityStatus.DONE,
        "Le stationnement illégal devant les entrées des immeubles.",
        "Illegal parking in front of building entrances.",
        "Constats remis pendant un mois, puis nouvelle signalisation avec la Ville de Brossard.",
        "Tickets for a month, then new signs with the City of Brossard.",
        True,
    ),
    (
        "BR-02",
        1,
        PriorityStatus.OPEN,
        "Plainte à vérifier : flânage au stationnement étagé.",
        "Complaint to check: loitering in the parking garage.",
        "",
        "",
        False,
    ),
)


def demo_seed_outreach() -> dict:
    """The demo's campaigns, activities and priorities; counts of what was created."""
    counts = {
        "outreach_campaigns_created": 0,
        "outreach_activities_created": 0,
        "outreach_priorities_created": 0,
    }
    today = timezone.localdate()
    sectors = {sector.code: sector for sector in Sector.objects.without_geometry()}
    officers = {officer.badge_number: officer for officer in Officer.objects.all()}
    points = {demo.code: demo.seed for demo in SECTORS}
    with transaction.atomic():
        _video_series(today, sectors, counts)
        _police_week(today, sectors, officers, points, counts)
        _door_to_door(today, sectors, officers, counts)
        _priorities(today, sectors, counts)
    return counts


def _campaign(counts, *, title_fr: str, sectors=(), **fields) -> tuple[Campaign, bool]:
    campaign = Campaign.objects.filter(title_fr=title_fr).first()
    if campaign is not None:
        return campaign, False
    counts["outreach_campaigns_created"] += 1
    return campaign_save(campaign=Campaign(title_fr=title_fr, **fields), sectors=sectors), True


def _video_series(today, sectors, counts) -> None:
    first = shift_months(today.replace(day=15), -6)
    campaign, created = _campaign(
        counts,
        title_fr=SERIES_TITLE,
        title_en="Video shorts — Your neighbourhood police",
        kind=CampaignType.VIDEO_SERIES,
        description_fr="Chaque mois, une capsule de deux minutes présente un policier de quartier et un conseil de prévention.",
        description_en="Every month, a two-minute video introduces a community officer and a prevention tip.",
        goals="Faire connaître les policiers de quartier; 5 000 vues par capsule.",
        starts_on=first,
        ends_on=shift_months(first, 11),
    )
    if not created:
        return
    releases = campaign_plan_series(
        campaign=campaign,
        first_date=first,
        count=12,
        title_pattern="{campaign} — épisode {number}",
        title_pattern_en="{campaign} — episode {number}",
    )
    counts["outreach_activities_created"] += len(releases)
    for number, release in enumerate(releases, start=1):
        if release.planned_on < today:
            # Out on the planned day, or a day or two late, as such things go.
            released_on = min(release.planned_on + datetime.timedelta(days=number % 3), today)
            activity_record_release(
                activity=release, released_on=released_on, link=VIDEO_LINK.format(number=number)
            )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _police_week(today, sectors, officers, points, counts) -> None:
    codes = [code for code, *_ in POLICE_WEEK_EVENTS if code in sectors]
    campaign, _ = _campaign(
        counts,
        title_fr=POLICE_WEEK_TITLE,
        title_en="Community policing week",
        kind=CampaignType.AWARENESS_WEEK,
        description_fr="Une semaine pour rencontrer les policiers de votre quartier, partout sur le territoire.",
        description_en="A week to meet your neighbourhood officers, all over the territory.",
        goals="Une activité publique dans au moins six secteurs; 500 résidents rencontrés.",
        starts_on=today + datetime.timedelta(days=6),
        ends_on=today + datetime.timedelta(days=12),
        sectors=[sectors[code] for code in codes],
    )
    for code, days, hour, hours, title_fr, title_en, place, badges, public in POLICE_WEEK_EVENTS:
        if code not in sectors:
            continue
        day = today + datetime.timedelta(days=days)
        lon, lat = points.get(code, (None, None))
        _activity(
            counts,
            campaign=campaign,
            title_fr=title_fr,
            title_en=title_en,
            kind=ActivityType.EVENT,
            starts_at=_at(day, hour),
            ends_at=_at(day, hour + hours),
            place_name=place,
            lon=lon,
            lat=lat,
            is_public=public,
            notes=""
            if public
            else "Rencontre de travail avec l'association des commerçants; pas d'annonce publique.",
            sectors=[sectors[code]],
            officers=[officers[b] for b in badges if b in officers],
        )


def _door_to_door(today, sectors, officers, counts) -> None:
    codes = [code for code, *_ in DOOR_TO_DOOR_ROUNDS if code in sectors]
    campaign, _ = _campaign(
        counts,
        title_fr=DOOR_TO_DOOR_TITLE,
        title_en="Door-to-door — theft prevention",
        kind=CampaignType.DOOR_TO_DOOR,
        description_fr="Les policiers de quartier frappent aux portes pour donner des conseils contre les vols.",
        description_en="Community officers knock on doors with advice against thefts.",
        goals="Visiter 1 000 logements dans les secteurs les plus touchés.",
        starts_on=today - datetime.timedelta(days=45),
        ends_on=today + datetime.timedelta(days=30),
        sectors=[sectors[code] for code in codes],
    )
    for code, days, title_fr, title_en, badges, attendance, public in DOOR_TO_DOOR_ROUNDS:
        if code not in sectors:
            continue
        day = today + datetime.timedelta(days=days)
        _activity(
            counts,
            campaign=campaign,
            title_fr=title_fr,
            title_en=title_en,
            kind=ActivityType.DOOR_TO_DOOR,
            starts_at=_at(day, 17),
            ends_at=_at(day, 20),
            attendance=attendance if days < 0 else None,
            is_public=public,
            notes="Dépliants distribués; suivi de deux adresses demandé." if days < 0 else "",
            sectors=[sectors[code]],
            officers=[officers[b] for b in badges if b in officers],
        )


def _activity(counts, *, campaign, title_fr, sectors, officers, **fields) -> None:
    if Activity.objects.filter(campaign=campaign, title_fr=title_fr).exists():
        return
    activity_save(
        activity=Activity(campaign=campaign, title_fr=title_fr, **fields), sectors=sectors, officers=officers
    )
    counts["outreach_activities_created"] += 1


def _priorities(today, sectors, counts) -> None:
    for code, months_ago, status, said_fr, said_en, did_fr, did_en, public in PRIORITIES:
        sector = sectors.get(code)
        if sector is None or SectorPriority.objects.filter(sector=sector, concern_fr=said_fr).exists():
            continue
        raised = shift_months(today, -months_ago)
        priority_save(
            priority=SectorPriority(
                sector=sector,
                concern_fr=said_fr,
                concern_en=said_en,
                actions_fr=did_fr,
                actions_en=did_en,
                status=status,
                raised_on=raised,
                resolved_on=shift_months(raised, 3) if status == PriorityStatus.DONE else None,
                is_public=public,
            )
        )
        counts["outreach_priorities_created"] += 1
