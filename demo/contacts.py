"""The demo's community partners and two years of officers' contacts with residents, with referrals.

Partners are invented organisations of the Longueuil area (fictional 555 numbers, example.org sites). The
contacts are drawn from a fixed seed and logged through `contacts.services.contacts.contact_create`, as the
form would, by the officers assigned on each day; a few recent ones carry a consenting (synthetic) resident's
identity.

Both functions are idempotent: partners are found by name, and contacts are seeded once (the demo's contacts
are those logged by no account, `created_by` empty; when there are any, nothing is added).
"""

from __future__ import annotations

import datetime
import logging
import random
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from beats.models import Sector
from contacts.models import Channel, Contact, ContactCategory, Outcome, Partner, PartnerType, Referral, Who
from contacts.services.contacts import contact_create
from contacts.services.identities import IdentityInput
from contacts.services.referrals import ReferralInput
from officers.models import Assignment, Language

# About what 21 officers log once the programme is known: ~80 contacts a month two years ago, rising to ~170
# (RAMP), so that last month's report has most sectors above the small-count threshold, as a real unit would.
DEMO_CONTACTS = 3000
RAMP = 2.0  # the last day is this many times as likely as the first
DEMO_MONTHS = 24
DEMO_SEED = 6
IDENTITY_RATE = 0.06  # of the contacts of the last six months
REFERRAL_RATE = 0.35

# name, services (category slugs), phone suffix (555-01xx), languages, sector code prefixes ("" all), public,
# description FR, description EN
PARTNERS = [
    (
        "Centre d’entraide Rive-Sud",
        ("homelessness", "information-request", "other"),
        "01",
        ("fr", "en", "es"),
        (),
        True,
        "Aide alimentaire, vêtements et accompagnement dans les démarches (organisme fictif de la démo).",
        "Food aid, clothing and help with paperwork (a fictional demo organisation).",
    ),
    (
        "Halte-Répit Le Phare",
        ("mental-health",),
        "02",
        ("fr", "en"),
        ("VL-", "SH-"),
        True,
        "Accueil sans rendez-vous et suivi pour les personnes en détresse psychologique (fictif).",
        "Walk-in support and follow-up for people in psychological distress (fictional).",
    ),
    (
        "Médiation citoyenne de l’agglomération",
        ("neighbour-dispute", "noise"),
        "03",
        ("fr", "en", "ar"),
        (),
        True,
        "Médiation gratuite des conflits entre voisins (organisme fictif).",
        "Free mediation of disputes between neighbours (fictional organisation).",
    ),
    (
        "Maison d’hébergement L’Envol",
        ("domestic-situation",),
        "04",
        ("fr", "en", "ht"),
        (),
        False,  # its address stays confidential
        "Hébergement et soutien pour les victimes de violence conjugale (fictif, adresse confidentielle).",
        "Shelter and support for victims of domestic violence (fictional, confidential address).",
    ),
    (
        "Carrefour jeunesse Saint-Hubert",
        ("youth",),
        "05",
        ("fr", "en"),
        ("SH-",),
        True,
        "Activités, emploi et écoute pour les 12-30 ans (organisme fictif).",
        "Activities, jobs and a listening ear for ages 12 to 30 (fictional organisation).",
    ),
    (
        "Refuge du Vieux-Longueuil",
        ("homelessness", "mental-health"),
        "06",
        ("fr", "en"),
        ("VL-",),
        True,
        "Lits d’urgence et travail de rue (fictif).",
        "Emergency beds and street outreach (fictional).",
    ),
    (
        "Association des aînés de Brossard",
        ("information-request", "theft-break-in", "other"),
        "07",
        ("fr", "en", "zh", "vi"),
        ("BR-", "SL-"),
        True,
        "Visites d’amitié et prévention de la fraude envers les aînés (organisme fictif).",
        "Friendly visits and fraud prevention for seniors (fictional organisation).",
    ),
    (
        "Sécurité routière Rive-Sud",
        ("traffic",),
        "08",
        ("fr",),
        ("BO-", "SB-", "GP-"),
        False,
        "Sensibilisation à la sécurité aux abords des écoles (fictif).",
        "Road safety awareness around schools (fictional).",
    ),
]

SUMMARIES = {
    "neighbour-dispute": ["Différend sur une clôture mitoyenne.", "Stationnement dans l’entrée du voisin."],
    "mental-health": ["Personne désorientée, famille inquiète.", "Résidente en détresse, accompagnée."],
    "homelessness": ["Personne dormant dans un abribus.", "Campement près du parc, visite de courtoisie."],
    "domestic-situation": [
        "Dispute entendue par un voisin, vérification.",
        "Demande de conseils, situation tendue.",
    ],
    "theft-break-in": [
        "Vol de vélo dans un cabanon.",
        "Tentative d’introduction signalée, conseils de prévention.",
    ],
    "noise": ["Musique forte tard le soir.", "Chantier bruyant avant 7 h."],
    "traffic": ["Vitesse excessive près de l’école.", "Arrêt obligatoire ignoré, demande de surveillance."],
    "youth": ["Attroupement de jeunes au parc, discussion.", "Jeune en fugue retrouvé, famille avisée."],
    "information-request": ["Question sur un permis d’événement.", "Demande de prévention fraude."],
    "other": ["Objet trouvé rapporté.", "Animal errant signalé."],
}
# (weight) of each channel and who
CHANNELS = [
    (Channel.WORK_CELL, 30),
    (Channel.TEXT, 20),
    (Channel.PATROL, 25),
    (Channel.WALK_IN, 10),
    (Channel.EMAIL, 8),
    (Channel.PARTNER, 7),
]
WHOS = [(Who.RESIDENT, 60), (Who.BUSINESS, 12), (Who.ORGANISATION, 6), (Who.VULNERABLE, 14), (Who.FAMILY, 8)]
CATEGORY_WEIGHTS = {
    "neighbour-dispute": 14,
    "mental-health": 10,
    "homelessness": 7,
    "domestic-situation": 5,
    "theft-break-in": 9,
    "noise": 13,
    "traffic": 15,
    "youth": 9,
    "information-request": 12,
    "other": 6,
}
FIRST_NAMES = ["Camille", "Mathieu", "Nadia", "Olivier", "Fatou", "Jean-Philippe", "Mei", "Rosalie", "Samir"]
LAST_NAMES = ["Démo-Bélanger", "Démo-Ouellet", "Démo-Diallo", "Démo-Pelletier", "Démo-Tran", "Démo-Lavoie"]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


PARTNER_TYPES = {
    "Centre d’entraide Rive-Sud": PartnerType.COMMUNITY_SUPPORT,
    "Halte-Répit Le Phare": PartnerType.MENTAL_HEALTH,
    "Médiation citoyenne de l’agglomération": PartnerType.MEDIATION,
    "Maison d’hébergement L’Envol": PartnerType.DOMESTIC_VIOLENCE,
    "Carrefour jeunesse Saint-Hubert": PartnerType.YOUTH,
    "Refuge du Vieux-Longueuil": PartnerType.HOUSING,
    "Association des aînés de Brossard": PartnerType.SENIORS,
    "Sécurité routière Rive-Sud": PartnerType.PUBLIC_SAFETY,
}


def demo_seed_partners() -> dict:
    """The demo's partner organisations; one found by name is left as the service may have edited it."""
    categories = {category.slug: category for category in ContactCategory.objects.all()}
    languages = {language.code: language for language in Language.objects.all()}
    sectors = list(Sector.objects.without_geometry().values_list("pk", "code"))
    counts = {"partners_created": 0, "partners_unchanged": 0}
    for name, services, phone, codes, prefixes, public, description_fr, description_en in PARTNERS:
        if Partner.objects.filter(name=name).exists():
            counts["partners_unchanged"] += 1
            continue
        with transaction.atomic():
            partner = Partner.objects.create(
                name=name,
                kind=PARTNER_TYPES[name],
                description_fr=description_fr,
                description_en=description_en,
                phone=f"+1450555{int(phone) + 100:04d}",
                email=f"info@{_slug(name)}.example.org",
                website=f"https://{_slug(name)}.example.org/",
                address="" if not public else "Longueuil (QC)",
                is_public=public,
            )
            partner.services.set([categories[slug] for slug in services if slug in categories])
            partner.languages.set([languages[code] for code in codes if code in languages])
            if prefixes:
                partner.sectors.set([pk for pk, code in sectors if code.startswith(prefixes)])
        counts["partners_created"] += 1
    return counts


def _slug(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in ascii_name.lower()).strip("-").replace("--", "-")[:40]


def demo_seed_contacts(*, today: datetime.date | None = None, count: int | None = None) -> dict:
    """A few thousand contacts over the last two years, more and more of them, by the officers on duty, with
    referrals; once only. `count` defaults to the optional setting DEMO_CONTACTS, else DEMO_CONTACTS (each
    goes through contacts.services: ~3 ms apiece on PostgreSQL, so the demo tests ask for fewer)."""
    count = getattr(settings, "DEMO_CONTACTS", DEMO_CONTACTS) if count is None else count
    existing = Contact.objects.filter(created_by__isnull=True).count()
    if existing:
        return _counts(unchanged=existing)
    today = today or timezone.localdate()
    rng = random.Random(DEMO_SEED)  # noqa: S311 -- a reproducible demo, not a secret
    categories = {category.slug: category for category in ContactCategory.objects.active()}
    weighted_categories = [(slug, weight) for slug, weight in CATEGORY_WEIGHTS.items() if slug in categories]
    partners = list(Partner.objects.filter(is_active=True).prefetch_related("services", "sectors"))
    assignments = list(
        Assignment.objects.filter(sector__is_active=True)
        .select_related("officer", "sector")
        .defer("sector__geometry")
    )
    if not assignments or not weighted_categories:
        return _counts()
    start = today - datetime.timedelta(days=DEMO_MONTHS * 365 // 12)
    # One INFO line per contact is right for an officer's form, noise for thousands of demo contacts (the level
    # holds for every module of contacts.services).
    service_logger = logging.getLogger("contacts.services")
    level = service_logger.level
    service_logger.setLevel(logging.WARNING)
    try:
        with transaction.atomic():
            return _seed(rng, today, start, count, categories, weighted_categories, partners, assignments)
    finally:
        service_logger.setLevel(level)


def _seed(rng, today, start, count, categories, weighted_categories, partners, assignments) -> dict:
    zone = timezone.get_current_timezone()
    created = referrals = identities = 0
    days = (today - start).days
    for _ in range(count):
        # A linear ramp: the inverse of its cumulative distribution turns a uniform draw into a day.
        u = rng.random()
        share = (-1 + (1 + (RAMP**2 - 1) * u) ** 0.5) / (RAMP - 1)
        day = start + datetime.timedelta(days=min(days - 1, int(share * days)))
        on_duty = [a for a in assignments if a.starts_on <= day and (a.ends_on is None or a.ends_on >= day)]
        if not on_duty:
            continue
        assignment = rng.choice(on_duty)
        moment = datetime.datetime.combine(
            day, datetime.time(rng.randint(7, 21), rng.choice((0, 15, 30, 45)))
        )
        when = timezone.make_aware(moment, zone)
        if when > timezone.now():
            when = timezone.now() - datetime.timedelta(hours=1)
        slugs = [_pick(rng, weighted_categories)]
        if rng.random() < 0.15:
            slugs.append(_pick(rng, weighted_categories))
        chosen = [categories[slug] for slug in dict.fromkeys(slugs)]
        referral_inputs, status = [], None
        if rng.random() < REFERRAL_RATE:
            fitting = [
                p
                for p in partners
                if {c.slug for c in p.services.all()} & set(slugs)
                and (not p.sectors.all() or assignment.sector_id in {s.pk for s in p.sectors.all()})
            ]
            age = (today - day).days
            status = _pick(
                rng,
                [
                    (Referral.Status.COMPLETED, 60),
                    (Referral.Status.DECLINED, 10),
                    (Referral.Status.ACCEPTED, 20),
                ]
                if age > 45
                else [
                    (Referral.Status.MADE, 50),
                    (Referral.Status.ACCEPTED, 35),
                    (Referral.Status.COMPLETED, 15),
                ],
            )
            referral_inputs = [
                ReferralInput(partner=rng.choice(fitting), status=status)
                if fitting and rng.random() < 0.85
                else ReferralInput(to_social_worker=True, status=status)
            ]
        outcome = (
            Outcome.REFERRED
            if referral_inputs
            else _pick(rng, [(Outcome.RESOLVED, 70), (Outcome.FOLLOW_UP, 22), (Outcome.ESCALATED, 8)])
        )
        follow_up = None
        if outcome == Outcome.FOLLOW_UP or (referral_inputs and rng.random() < 0.3):
            follow_up = day + datetime.timedelta(days=rng.randint(2, 21))
        identity = None
        if (today - day).days < 183 and rng.random() < IDENTITY_RATE:
            identity = IdentityInput(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                phone=f"+1450555{rng.randint(100, 199):04d}",
                consent=True,
            )
            identities += 1
        contact = contact_create(
            officer=assignment.officer,
            when=when,
            sector=assignment.sector,
            channel=Channel.PARTNER if rng.random() < 0.05 else _pick(rng, CHANNELS),
            who=_pick(rng, WHOS),
            categories=chosen,
            summary=rng.choice(SUMMARIES.get(slugs[0], SUMMARIES["other"])),
            would_have_called_911=rng.random() < 0.28,
            outcome=outcome,
            follow_up_due=follow_up,
            identity=identity,
            referrals=referral_inputs,
            actor=None,
        )
        if follow_up and follow_up < today - datetime.timedelta(days=3):
            Contact.objects.filter(pk=contact.pk).update(follow_up_done=rng.random() < 0.9)
        if referral_inputs:
            referrals += 1
            _backdate_referral(contact, when, status, rng)
        created += 1
    return _counts(created=created, referrals=referrals, identities=identities)


def _counts(*, created=0, unchanged=0, referrals=0, identities=0) -> dict:
    # The same keys whatever happened, so that seed_demo's totals read alike on every run.
    return {
        "contacts_created": created,
        "contacts_unchanged": unchanged,
        "referrals_created": referrals,
        "identities_created": identities,
    }


def _backdate_referral(contact: Contact, when: datetime.datetime, status: str, rng: random.Random) -> None:
    """The demo's history: a referral made the day of the contact, then accepted and closed days later."""
    made = when + datetime.timedelta(minutes=rng.randint(5, 90))
    accepted = made + datetime.timedelta(days=rng.randint(1, 5))
    closed = accepted + datetime.timedelta(days=rng.randint(3, 30))
    now = timezone.now()
    stamps = defaultdict(lambda: None, made_at=min(made, now))
    if status in (Referral.Status.ACCEPTED, Referral.Status.COMPLETED):
        stamps["accepted_at"] = min(accepted, now)
    if status == Referral.Status.COMPLETED:
        stamps["completed_at"] = min(closed, now)
    if status == Referral.Status.DECLINED:
        stamps["declined_at"] = min(accepted, now)
    Referral.objects.filter(contact=contact).update(
        made_at=stamps["made_at"],
        accepted_at=stamps["accepted_at"],
        completed_at=stamps["completed_at"],
        declined_at=stamps["declined_at"],
    )
