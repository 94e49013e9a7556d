"""/api/v1/lookup answers what the home page answers: the sector and who residents reach today."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import translation

from beats.index import get_sector_index
from beats.models import CivicAddress
from officers.models import Absence, Assignment
from tests.officers.factories import AbsenceFactory

from .conftest import BROSSARD_POINT, CENTRE_POINT

pytestmark = pytest.mark.django_db


def lookup(client, **params):
    response = client.get(reverse("api:lookup"), params)
    assert response["Content-Type"].startswith("application/json")
    return response


def test_a_point_gives_the_sector_and_its_published_officer(client, territory):
    body = lookup(client, lang="en", **CENTRE_POINT).json()
    assert body["outcome"] == "found"
    assert body["sector"]["code"] == "VL-01"
    assert body["sector"]["name"] == "Centre historique"
    assert body["sector"]["municipality"] == "Longueuil" and body["sector"]["borough"] == "Vieux-Longueuil"
    with translation.override("en"):
        assert body["sector"]["url"] == "http://testserver" + reverse(
            "public:sector", kwargs={"code": "VL-01"}
        )
    assert body["availability"]["status"] == "covered" and body["availability"]["label"] == "Covered"
    [julie] = body["officers"]
    assert julie["name"] == "Julie Tremblay"
    assert julie["role"] == "constable" and julie["role_label"] == "Constable"
    assert julie["phone"] == {"e164": "+14505550142", "display": "450 555-0142"}
    assert julie["email"] == "julie.tremblay@example.org"
    assert [language["name"] for language in julie["languages"]] == ["English", "French"]
    assert julie["patrol_modes"] == [{"code": "bike", "label": "by bike"}]
    with translation.override("en"):
        vcard = reverse("public:officer-vcard", kwargs={"pk": territory["julie"].pk})
    assert julie["vcard_url"] == "http://testserver" + vcard


def test_an_address_gives_the_same_answer_with_the_address(client, territory):
    body = lookup(client, q="150 st-charles o").json()
    by_point = lookup(client, **CENTRE_POINT).json()
    assert body["outcome"] == "found"
    assert body["address"]["label"] == "150 rue Saint-Charles Ouest, Longueuil J4H 1C5"
    assert body["address"]["postal_code"] == "J4H 1C5"
    assert {key: body[key] for key in ("sector", "availability", "officers")} == {
        key: by_point[key] for key in ("sector", "availability", "officers")
    }


def test_an_ambiguous_address_lists_the_choices_and_an_id_picks_one(client, territory):
    body = lookup(client, q="1234 boul taschereau").json()
    assert body["outcome"] == "choose" and body["sector"] is None
    assert {choice["label"] for choice in body["choices"]} == {
        "1234 boulevard Taschereau, Brossard J4Z 1A1",
        "1234 boulevard Taschereau, Longueuil J4K 2V2",
    }
    picked = CivicAddress.objects.get(municipality="Brossard")
    assert {"id": picked.pk, "postal_code": "J4Z 1A1"}.items() <= next(
        choice for choice in body["choices"] if choice["id"] == picked.pk
    ).items()
    body = lookup(client, address=str(picked.pk), lang="en").json()
    assert body["outcome"] == "found" and body["sector"]["code"] == "BR-01"
    # Brossard's officer did not consent to be published: the answer says so, and gives the general number.
    assert body["officers"] == []
    assert "not listed publicly" in body["message"] and "450 463-7011" in body["message"]


def test_outside_and_not_found_give_the_general_number(client, territory):
    outside = lookup(client, q="9 rue du Large", lang="en").json()
    assert outside["outcome"] == "outside" and outside["sector"] is None
    assert "outside the territory" in outside["message"] and "450 463-7011" in outside["message"]
    assert outside["non_emergency_phone"] == {"display": "450 463-7011", "tel": "4504637011"}
    assert lookup(client, lon="-70", lat="45").json()["outcome"] == "outside"
    missing = lookup(client, q="77 rue Inexistante", lang="en").json()
    assert missing["outcome"] == "not_found" and "450 463-7011" in missing["message"]
    assert lookup(client, address="999999").json()["outcome"] == "not_found"


def test_when_the_officer_is_away_it_says_until_when_and_who_answers(client, territory):
    today = territory["today"]
    Absence.objects.create(
        officer=territory["julie"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
        covering_officer=territory["marc"],
        reason="private reason",
    )
    response = lookup(client, lang="en", **CENTRE_POINT)
    body = response.json()
    assert body["availability"]["status"] == "backup"
    assert body["availability"]["away_until"] == (today + datetime.timedelta(days=5)).isoformat()
    assert body["availability"]["covered_by"] == {"id": territory["marc"].pk, "name": "Marc Gagnon"}
    assert "Julie Tremblay is away until" in body["availability"]["message"]
    assert "Marc Gagnon answers for the sector" in body["availability"]["message"]
    # Like the page: the backup first.
    assert [officer["name"] for officer in body["officers"]] == ["Marc Gagnon", "Julie Tremblay"]
    assert "private reason" not in response.content.decode()


def test_labels_follow_lang_then_accept_language(client, territory):
    assert lookup(client, **CENTRE_POINT).json()["availability"]["label"] == "Couvert"
    english = client.get(reverse("api:lookup"), CENTRE_POINT, HTTP_ACCEPT_LANGUAGE="en-CA,en;q=0.8")
    assert english.json()["availability"]["label"] == "Covered" and english["Content-Language"] == "en"
    french = client.get(
        reverse("api:lookup"), {**CENTRE_POINT, "lang": "fr"}, HTTP_ACCEPT_LANGUAGE="en-CA,en;q=0.8"
    )
    assert french.json()["availability"]["label"] == "Couvert" and french["Content-Language"] == "fr"
    assert "Accept-Language" in english["Vary"]


def test_a_new_absence_changes_the_next_answer(client, territory):
    assert lookup(client, **CENTRE_POINT).json()["availability"]["status"] == "covered"
    today = territory["today"]
    AbsenceFactory(officer=territory["julie"], starts_on=today, ends_on=today)
    assert lookup(client, **CENTRE_POINT).json()["availability"]["status"] == "away"


def end_julies_assignment_yesterday(t):
    assignment = Assignment.objects.get(officer=t["julie"])
    assignment.ends_on = t["today"] - datetime.timedelta(days=1)
    assignment.save()


def rename_julie(t):
    t["julie"].last_name = "Roy"
    t["julie"].save()


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t["julie"].languages.clear(), id="languages"),
        pytest.param(rename_julie, id="officer"),
        pytest.param(end_julies_assignment_yesterday, id="assignment"),
        pytest.param(lambda t: Assignment.objects.get(officer=t["marc"]).delete(), id="assignment-deleted"),
    ],
)
def test_every_kind_of_edit_is_seen_by_the_next_request(client, territory, edit):
    before = lookup(client, **CENTRE_POINT).json()
    Assignment.objects.create(
        officer=territory["marc"],
        sector=territory["centre"],
        role=Assignment.Role.SECONDARY,
        starts_on=territory["today"],
    )
    after_assignment = lookup(client, **CENTRE_POINT).json()
    assert [o["name"] for o in after_assignment["officers"]] == ["Julie Tremblay", "Marc Gagnon"]
    edit(territory)
    assert before != after_assignment
    assert lookup(client, **CENTRE_POINT).json() != after_assignment  # not the cached answer


def test_a_redrawn_map_is_seen_by_the_next_request(client, territory):
    assert lookup(client, **BROSSARD_POINT).json()["sector"]["code"] == "BR-01"
    territory["brossard"].is_active = False
    territory["brossard"].save()
    assert lookup(client, **BROSSARD_POINT).json()["outcome"] == "outside"


def test_another_process_edit_reaches_this_process_within_the_recheck_interval(
    client, territory, monkeypatch
):
    from django.core.cache import cache

    from officers.models import Officer
    from officers.signals import COVERAGE_VERSION_KEY
    from public import api

    monkeypatch.setattr(api, "COVERAGE_RECHECK_SECONDS", 1.0)
    assert lookup(client, **CENTRE_POINT).json()["officers"][0]["name"] == "Julie Tremblay"
    # What another process's edit leaves here: the data changed and the token moved, and none of this
    # process's signals ran (update() sends none).
    Officer.objects.filter(pk=territory["julie"].pk).update(first_name="Juliette")
    cache.set(COVERAGE_VERSION_KEY, "moved-by-another-process", timeout=None)
    assert lookup(client, **CENTRE_POINT).json()["officers"][0]["name"] == "Julie Tremblay"  # held a moment
    time.sleep(1.05)
    assert lookup(client, **CENTRE_POINT).json()["officers"][0]["name"] == "Juliette Tremblay"


def test_a_warm_lookup_by_point_takes_no_query(client, territory, django_assert_num_queries):
    lookup(client, **CENTRE_POINT)  # warms the sector index and the answer
    with django_assert_num_queries(0):  # the index and the answer are held while the coverage version holds
        response = lookup(client, **CENTRE_POINT)
    assert response.status_code == 200 and response.json()["outcome"] == "found"
    assert get_sector_index().version is not None


def test_a_cold_lookup_by_point_takes_a_fixed_number_of_queries(client, territory, django_assert_num_queries):
    get_sector_index()
    with django_assert_num_queries(5):  # map version, sector, assignments, absences, languages
        lookup(client, **CENTRE_POINT)


def test_a_lookup_by_address_takes_a_bounded_number_of_queries(
    client, territory, django_assert_max_num_queries
):
    lookup(client, q="150 rue Saint-Charles Ouest")
    with django_assert_max_num_queries(8):
        response = lookup(client, q="150 rue Saint-Charles Ouest")
    assert response.json()["outcome"] == "found"
