"""The public page of one sector, officers' contact cards (vCard) and who may see officers' photos."""

import datetime
import io

import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from officers.models import Absence, Assignment, Language, Officer
from officers.services.officers import officer_save
from tests.beats.factories import SectorFactory, square

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def sector_team():
    today = timezone.localdate()
    sector = SectorFactory(
        code="VL-03", name="Collectivité nouvelle", population=8123, geometry=square(-73.50, 45.53)
    )
    julie = Officer.objects.create(
        badge_number="1",
        first_name="Julie",
        last_name="Tremblay",
        work_phone="+14505550142",
        work_email="julie.tremblay@example.org",
        is_published=True,
    )
    julie.languages.set(Language.objects.filter(code__in=["fr", "en"]))
    marc = Officer.objects.create(
        badge_number="2", first_name="Marc", last_name="Gagnon", work_phone="+14505550143", is_published=True
    )
    hidden = Officer.objects.create(badge_number="3", first_name="Hidden", last_name="Person")
    start = today - datetime.timedelta(days=100)
    Assignment.objects.create(officer=julie, sector=sector, starts_on=start)
    Assignment.objects.create(officer=hidden, sector=sector, starts_on=start, role=Assignment.Role.SECONDARY)
    return {"sector": sector, "julie": julie, "marc": marc, "hidden": hidden, "today": today}


def test_a_sector_page_shows_its_published_team_and_nobody_else(
    client, sector_team, django_assert_max_num_queries
):
    # Cold cache: the sector, its team (5) and its outreach — activities, priorities, partners (3); warm, 5.
    with django_assert_max_num_queries(8):
        response = client.get(url("public:sector", code="VL-03"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sector Collectivité nouvelle (VL-03)" in html
    assert "8,123 residents" in html
    assert "Julie Tremblay" in html and 'href="tel:+14505550142"' in html
    assert "Hidden" not in html
    assert 'data-focus="VL-03"' in html  # the map zooms to this sector
    assert url("public:officer-vcard", pk=sector_team["julie"].pk) in html


def test_a_sector_page_says_who_covers_while_the_officer_is_away(client, sector_team):
    today = sector_team["today"]
    Absence.objects.create(
        officer=sector_team["julie"],
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=3),
        covering_officer=sector_team["marc"],
    )
    html = client.get(url("public:sector", code="VL-03")).content.decode()
    assert "Julie Tremblay is away until" in html
    assert "Marc Gagnon answers for the sector" in html
    assert html.index("Marc Gagnon</h3>") < html.index("Julie Tremblay</h3>")  # who answers comes first
    julie_card = html[html.index("Julie Tremblay</h3>") :]
    assert "Away until" in julie_card and "Away until" not in html[: html.index("Julie Tremblay</h3>")]


@pytest.mark.parametrize("code", ["XX-99", "OLD-1"])
def test_unknown_and_retired_sectors_have_no_page(client, code):
    SectorFactory(code="OLD-1", is_active=False, geometry=square(-73.40, 45.50))
    assert client.get(url("public:sector", code=code)).status_code == 404


def test_the_sector_list_and_the_team_directory_link_to_the_sector_page(client, sector_team):
    target = url("public:sector", code="VL-03")
    assert target in client.get(url("public:sectors")).content.decode()
    assert target in client.get(url("public:team")).content.decode()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (30, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_vcard_opens_in_a_contacts_parser_with_only_published_details(
    client, sector_team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    julie = officer_save(officer=sector_team["julie"], photo=SimpleUploadedFile("j.jpg", jpeg()))
    response = client.get(url("public:officer-vcard", pk=julie.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert 'filename="julie-tremblay.vcf"' in response["Content-Disposition"]
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded as RFC 6350 says
    card = vobject.readOne(text)
    assert card.fn.value == "Julie Tremblay"
    assert card.n.value.family == "Tremblay" and card.n.value.given == "Julie"
    assert card.tel.value == "+14505550142"
    assert card.email.value == "julie.tremblay@example.org"
    assert card.org.value == [settings.SERVICE_NAME]
    assert "VL-03 Collectivité nouvelle" in card.note.value
    with Image.open(io.BytesIO(card.photo.value)) as photo:
        assert photo.size == (160, 160)
    # Nothing but what the officer consented to publish: no badge number, no personal field.
    assert set(card.contents) == {"version", "n", "fn", "org", "title", "note", "tel", "email", "photo"}


def test_names_with_commas_and_semicolons_are_escaped(client, sector_team):
    julie = sector_team["julie"]
    julie.last_name = "Tremblay; Roy, fils"
    julie.save()
    card = vobject.readOne(client.get(url("public:officer-vcard", pk=julie.pk)).content.decode())
    assert card.fn.value == "Julie Tremblay; Roy, fils"


def test_no_vcard_for_an_officer_who_is_not_published(client, sector_team):
    assert client.get(url("public:officer-vcard", pk=sector_team["hidden"].pk)).status_code == 404
    assert client.get(url("public:officer-vcard", pk=999999)).status_code == 404


def photo_url(officer, size="photo_medium"):
    return getattr(officer, size).url


def test_a_published_officers_photo_is_served_to_everyone_and_cached(client, sector_team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    julie = officer_save(officer=sector_team["julie"], photo=SimpleUploadedFile("j.jpg", jpeg()))
    response = client.get(photo_url(julie))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (400, 400)


def test_an_unpublished_officers_photo_is_for_staff_only(client, sector_team, settings, tmp_path, make_staff):
    settings.MEDIA_ROOT = tmp_path
    hidden = officer_save(officer=sector_team["hidden"], photo=SimpleUploadedFile("h.jpg", jpeg()))
    for size in ("photo", "photo_small", "photo_medium"):
        assert client.get(photo_url(hidden, size)).status_code == 404
    client.force_login(make_staff("supervisor", "officers.view_officer"))
    response = client.get(photo_url(hidden))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name", ["medium/nothing.jpg", "../../config/settings.py", "small/%2e%2e/x.jpg"])
def test_unknown_files_are_not_found(client, name, settings):
    assert client.get(f"/{settings.MEDIA_URL.strip('/')}/officers/photos/{name}").status_code == 404
