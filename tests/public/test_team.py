import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from officers.models import Assignment, Officer
from tests.beats.factories import SectorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]


def make_officers(count, *, published=True):
    start = Officer.objects.count()
    sectors = [SectorFactory() for _ in range(count)]
    for n, sector in enumerate(sectors, start=start):
        officer = Officer.objects.create(
            badge_number=f"{'P' if published else 'H'}{n}",
            first_name="Officer",
            last_name=f"{'Shown' if published else 'Hidden'}{n:02d}",
            work_phone="+14505550142",
            is_published=published,
        )
        Assignment.objects.create(
            officer=officer, sector=sector, starts_on=timezone.localdate() - datetime.timedelta(days=1)
        )


def team_url(language="en"):
    with translation.override(language):
        return reverse("public:team")


def test_the_directory_lists_only_published_officers_with_their_sector(client):
    make_officers(2)
    make_officers(1, published=False)
    html = client.get(team_url()).content.decode()
    assert "Officer Shown00" in html and "Officer Shown01" in html and "Hidden02" not in html
    assert "Hidden" not in html
    assert 'href="tel:+14505550142"' in html and "450 555-0142" in html
    assert html.count("officer-card__body") == 2


def test_the_directory_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    make_officers(2)
    with django_assert_max_num_queries(4) as few:
        client.get(team_url())
    make_officers(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(team_url())
    assert response.content.decode().count("officer-card__body") == 17


def test_the_directory_path_is_translated():
    assert team_url("fr") == "/fr/equipe/"
    assert team_url("en") == "/en/team/"
