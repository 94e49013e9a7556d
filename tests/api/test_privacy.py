"""Only what officers consented to publish, and only for published officers (security checklist, Privacy)."""

import datetime
import json

import pytest
from django.urls import reverse

from officers.models import Absence, Assignment

from .conftest import BROSSARD_POINT, CENTRE_POINT

pytestmark = pytest.mark.django_db

OFFICER_KEYS = {
    "id",
    "name",
    "role",
    "role_label",
    "photo_url",
    "phone",
    "email",
    "languages",
    "patrol_modes",
    "vcard_url",
}
SECTOR_KEYS = {"code", "name", "municipality", "borough", "url"}
AVAILABILITY_KEYS = {"status", "label", "away_until", "covered_by", "message"}
LOOKUP_KEYS = {
    "outcome",
    "message",
    "address",
    "sector",
    "availability",
    "officers",
    "choices",
    "non_emergency_phone",
}
SECTOR_FEATURE_PROPERTIES = {
    "code",
    "name",
    "municipality",
    "borough",
    "population",
    "programme_started_on",
    "is_active",
    "url",
    "availability",
    "officers",
}


@pytest.fixture
def hidden_everywhere(territory):
    """The unpublished officer is Brossard's primary, away, covering Centre's officer, and secondary in Centre."""
    today = territory["today"]
    hidden, julie = territory["hidden"], territory["julie"]
    Assignment.objects.create(
        officer=hidden, sector=territory["centre"], role=Assignment.Role.SECONDARY, starts_on=today
    )
    Absence.objects.create(
        officer=julie, starts_on=today, ends_on=today, covering_officer=hidden, reason="medical appointment"
    )
    return territory


def every_answer(client, territory) -> list[bytes]:
    urls = [
        reverse("api:index"),
        reverse("api:lookup") + "?lon={lon}&lat={lat}".format(**CENTRE_POINT),
        reverse("api:lookup") + "?lon={lon}&lat={lat}".format(**BROSSARD_POINT),
        reverse("api:lookup") + "?q=150+rue+Saint-Charles+Ouest",
        reverse("api:lookup") + "?q=1234+boul+taschereau",
        reverse("api:sector", kwargs={"code": "VL-01"}),
        reverse("api:sector", kwargs={"code": "BR-01"}),
        reverse("api:sector-features"),
        reverse("api:officers"),
        reverse("api:openapi"),
    ]
    answers = []
    for url in urls:
        for language in ("fr", "en"):
            response = client.get(url + ("&" if "?" in url else "?") + f"lang={language}")
            assert response.status_code == 200, url
            answers.append(response.content)
    return answers


def test_an_unpublished_officer_never_appears_in_any_endpoint(client, hidden_everywhere):
    hidden = hidden_everywhere["hidden"]
    for content in every_answer(client, hidden_everywhere):
        text = content.decode()
        for secret in (
            "Hidden",
            "Person",
            "+14505550199",
            "555-0199",
            "hidden.person",
            "medical appointment",
        ):
            assert secret not in text
        body = json.loads(content)
        assert hidden.pk not in {officer["id"] for officer in officers_in(body)}
        assert hidden.pk not in {cover["id"] for cover in covers_in(body)}


def test_the_test_above_would_see_a_published_officer(client, hidden_everywhere):
    hidden = hidden_everywhere["hidden"]
    hidden.is_published = True
    hidden.save()
    assert any(b"Hidden Person" in content for content in every_answer(client, hidden_everywhere))


def test_the_backup_is_not_named_when_they_are_not_published(client, hidden_everywhere):
    body = client.get(reverse("api:lookup"), {**CENTRE_POINT, "lang": "en"}).json()
    assert body["availability"]["status"] == "backup"
    assert body["availability"]["covered_by"] is None
    assert "a backup answers" in body["availability"]["message"]
    assert [officer["name"] for officer in body["officers"]] == ["Julie Tremblay"]


def covers_in(value):
    if isinstance(value, dict):
        if isinstance(value.get("covered_by"), dict) and "name" in value["covered_by"]:
            yield value["covered_by"]
        for item in value.values():
            yield from covers_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from covers_in(item)


def officers_in(value):
    """Every officer dict anywhere in an answer (they are the dicts with a role_label)."""
    if isinstance(value, dict):
        if "role_label" in value and isinstance(value.get("id"), int):
            yield value
        for item in value.values():
            yield from officers_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from officers_in(item)


def test_answers_hold_exactly_the_published_fields(client, territory):
    today = territory["today"]
    Assignment.objects.create(
        officer=territory["marc"], sector=territory["centre"], role=Assignment.Role.SECONDARY, starts_on=today
    )
    Absence.objects.create(
        officer=territory["julie"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
        covering_officer=territory["marc"],
        reason="private",
    )
    lookup = client.get(reverse("api:lookup"), CENTRE_POINT).json()
    assert set(lookup) == LOOKUP_KEYS
    assert set(lookup["sector"]) == SECTOR_KEYS
    assert set(lookup["availability"]) == AVAILABILITY_KEYS
    assert set(lookup["availability"]["covered_by"]) == {"id", "name"}
    assert set(lookup["non_emergency_phone"]) == {"display", "tel"}
    for officer in lookup["officers"]:
        assert set(officer) == OFFICER_KEYS
        assert set(officer["phone"] or {}) <= {"e164", "display"}
        assert all(set(language) == {"code", "name"} for language in officer["languages"])
        assert all(set(mode) == {"code", "label"} for mode in officer["patrol_modes"])

    feature = client.get(reverse("api:sector", kwargs={"code": "VL-01"})).json()
    assert set(feature) == {"type", "id", "geometry", "properties"}
    assert set(feature["properties"]) == SECTOR_FEATURE_PROPERTIES

    listed = client.get(reverse("api:officers")).json()
    assert set(listed) == {"officers"}
    for officer in listed["officers"]:
        assert set(officer) == OFFICER_KEYS | {"sectors"}
        for sector in officer["sectors"]:
            assert set(sector) == SECTOR_KEYS | {"role_in_sector", "role_in_sector_label"}

    choose = client.get(reverse("api:lookup"), {"q": "1234 boul taschereau"}).json()
    for choice in choose["choices"]:
        assert set(choice) == {"id", "label", "postal_code", "lon", "lat"}

    everything = [lookup, feature, listed]
    assert len(list(officers_in(everything))) >= 5
    for officer in officers_in(everything):
        assert set(officer) - {"sectors"} == OFFICER_KEYS
    text = json.dumps(everything)
    for private in ("badge", "bio", "private", "1000", "is_published", "user"):
        assert private not in text
