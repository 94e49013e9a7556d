"""Retention with time travel: identities and free text go, the counts stay; the job audits what it did and
finds nothing more the second time. And no phone number, name or summary ever reaches the logs."""

import datetime
import logging

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from contacts.models import Contact, IdentityAccess, Referral, ResidentIdentity
from contacts.selectors import StatisticsFilter, contact_statistics, monthly_counts
from contacts.services.identities import IdentityInput, identity_read
from contacts.services.referrals import ReferralInput, referral_set_status
from contacts.services.retention import contacts_apply_retention
from contacts.tasks import contacts_retention_task

from .conftest import NAME, PHONE, PHONE_E164, SUMMARY, log_contact

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2024, 1, 15, 10, tzinfo=datetime.UTC)
RECENT = datetime.datetime(2025, 11, 2, 10, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)


def contacts_at(unit, partner, moment):
    with time_machine.travel(moment + datetime.timedelta(hours=1), tick=False):
        return log_contact(
            unit["officer_a"],
            when=moment,
            identity=IdentityInput(name=NAME, phone=PHONE, consent=True),
            referrals=[ReferralInput(partner=partner, outcome="Accompagnée au refuge")],
            lon=None,
        )


def test_old_identities_and_free_text_go_and_the_counts_stay(unit, partner):
    old = contacts_at(unit, partner, LONG_AGO)
    recent = contacts_at(unit, partner, RECENT)
    period = StatisticsFilter(datetime.date(2023, 1, 1), datetime.date(2026, 12, 1))
    counts_before, figures_before = monthly_counts(), contact_statistics(period)

    with time_machine.travel(NOW, tick=False):
        done = contacts_apply_retention()

    assert done == {
        "contacts_anonymised": 1,
        "identities_destroyed": 1,
        "summaries_blanked": 1,
        "referral_outcomes_blanked": 1,
    }
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.summary == "" and old.anonymised_at == NOW
    assert not ResidentIdentity.objects.filter(contact=old).exists()
    assert (
        Referral.objects.get(contact=old).outcome == "" and Referral.objects.get(contact=old).status == "made"
    )
    assert recent.summary == SUMMARY and ResidentIdentity.objects.filter(contact=recent).exists()
    # The counts, by month and sector, and every figure the analysts read, are the same.
    assert monthly_counts() == counts_before
    assert contact_statistics(period) == figures_before
    assert Contact.objects.count() == 2
    # Audited: a purge row for the record, by nobody (the job), with no content.
    purge = IdentityAccess.objects.get(action="purge")
    assert (purge.contact, purge.user, purge.note) == (old, None, "retention")


def test_the_retention_runs_twice_without_doing_anything_more(unit, partner):
    contacts_at(unit, partner, LONG_AGO)
    with time_machine.travel(NOW, tick=False):
        contacts_apply_retention()
        assert set(contacts_apply_retention().values()) == {0}
    assert IdentityAccess.objects.filter(action="purge").count() == 1


def test_the_period_is_a_setting(unit, partner, settings):
    contacts_at(unit, partner, RECENT)
    settings.CONTACTS_RETENTION_MONTHS = 3
    with time_machine.travel(NOW, tick=False):
        assert contacts_apply_retention()["identities_destroyed"] == 1


def test_a_contact_turns_old_as_time_passes(unit, partner):
    contact = contacts_at(unit, partner, RECENT)
    with time_machine.travel(RECENT + datetime.timedelta(days=700), tick=False):
        assert contacts_apply_retention()["contacts_anonymised"] == 0
    with time_machine.travel(RECENT + datetime.timedelta(days=740), tick=False):
        assert contacts_apply_retention()["contacts_anonymised"] == 1
    contact.refresh_from_db()
    assert contact.anonymised_at


def test_the_task_runs_the_retention_and_is_scheduled_nightly(unit, partner):
    contacts_at(unit, partner, LONG_AGO)
    with time_machine.travel(NOW, tick=False):
        assert contacts_retention_task.apply().get()["identities_destroyed"] == 1
    task = PeriodicTask.objects.get(task="contacts.tasks.contacts_retention_task")
    assert task.enabled and task.crontab.hour == "2"


def test_no_phone_name_or_summary_reaches_the_logs(unit, partner, client, caplog):
    caplog.set_level(logging.DEBUG)
    contact = contacts_at(unit, partner, LONG_AGO)
    identity_read(contact=contact, user=unit["supervisor"])
    referral_set_status(
        referral=contact.referrals.get(), status="completed", outcome="Suivi fait par l'organisme"
    )
    client.force_login(unit["officer_a"].user)
    client.get(reverse("staff:contact", args=[contact.pk]), {"identity": "1"})
    client.post(
        reverse("staff:contact-new"),
        {
            "when": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "text",
            "who": "resident",
            "outcome": "resolved",
            "categories": ["999999"],
            "summary": SUMMARY,
            "identity_name": NAME,
            "identity_phone": PHONE,
        },
    )
    with time_machine.travel(NOW, tick=False):
        contacts_apply_retention()
    text = caplog.text + "\n".join(str(record.args) for record in caplog.records)
    assert caplog.records  # the services do log (ids and counts)
    for secret in (PHONE, PHONE_E164, "5550199", NAME, "Gisèle", SUMMARY[:20], "refuge", "organisme"):
        assert secret not in text
