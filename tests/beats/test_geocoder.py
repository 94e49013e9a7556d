"""The outside geocoder, against a real HTTP server on loopback that answers like Nominatim (jsonv2)."""

import datetime
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils import timezone, translation

from beats.addresses import geocoder
from beats.addresses.normalise import street_key
from beats.models import CivicAddress
from officers.models import Assignment, Officer
from public.lookup import CHOOSE_ADDRESS, FOUND, NOT_FOUND, lookup_query
from tests.beats.factories import SectorFactory, square

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]

QUERY = "150 rue Saint-Charles Ouest"


def place(place_id, lon, lat, number="150", road="Rue Saint-Charles Ouest", city="Longueuil"):
    """One place as Nominatim's /search?format=jsonv2&addressdetails=1 writes it (lat and lon are strings)."""
    return {
        "place_id": place_id,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "node",
        "osm_id": 1000 + place_id,
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "category": "place",
        "type": "house",
        "place_rank": 30,
        "importance": 9.99999999995449e-06,
        "addresstype": "place",
        "name": "",
        "display_name": f"{number}, {road}, Vieux-Longueuil, {city}, Agglomération de Longueuil, "
        "Montérégie, Québec, J4H 1C5, Canada",
        "address": {
            "house_number": number,
            "road": road,
            "suburb": "Vieux-Longueuil",
            "city": city,
            "county": "Agglomération de Longueuil",
            "state_district": "Montérégie",
            "state": "Québec",
            "ISO3166-2-lvl4": "CA-QC",
            "postcode": "J4H 1C5",
            "country": "Canada",
            "country_code": "ca",
        },
        "boundingbox": [f"{lat - 1e-4:.7f}", f"{lat + 1e-4:.7f}", f"{lon - 1e-4:.7f}", f"{lon + 1e-4:.7f}"],
    }


class FakeNominatim(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests = []  # (query parameters, headers) of every request received
        self.status = 200
        self.body: bytes = b"[]"
        self.delay = 0.0

    def answer(self, places, status=200):
        self.status, self.body = status, json.dumps(places).encode()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/search"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        server.requests.append((parse_qs(urlsplit(self.path).query), dict(self.headers)))
        time.sleep(server.delay)
        self.send_response(server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(server.body)))
        self.end_headers()
        self.wfile.write(server.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim(settings, monkeypatch):
    server = FakeNominatim()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.GEOCODER_URL = server.url
    settings.GEOCODER_TIMEOUT = 2.0
    settings.GEOCODER_MIN_INTERVAL = 0
    monkeypatch.setattr(geocoder, "_next_slot", 0.0)
    # Loopback must not go through a proxy the environment may name.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def territory():
    """Two square sectors near Longueuil; the first one's published officer."""
    centre = SectorFactory(code="VL-01", name="Centre historique", geometry=square(-73.52, 45.53))
    SectorFactory(code="VL-02", name="Collectivité nouvelle", geometry=square(-73.51, 45.53))
    julie = Officer.objects.create(
        badge_number="1", first_name="Julie", last_name="Tremblay", is_published=True
    )
    Assignment.objects.create(
        officer=julie, sector=centre, starts_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    return {"centre": centre, "julie": julie}


def test_it_is_off_by_default_and_asks_nobody(settings, nominatim, territory):
    settings.GEOCODER_URL = ""
    nominatim.answer([place(1, -73.515, 45.535)])
    assert lookup_query(QUERY).outcome == NOT_FOUND
    assert nominatim.requests == []


def test_one_result_is_the_residents_point_their_sector_and_its_officer(nominatim, territory):
    nominatim.answer([place(1, -73.515, 45.535)])
    lookup = lookup_query(QUERY)
    assert lookup.outcome == FOUND
    assert lookup.sector == territory["centre"]
    assert lookup.officers == [territory["julie"]]
    assert lookup.address.pk is None
    assert str(lookup.address) == "150 Rue Saint-Charles Ouest, Longueuil J4H 1C5"
    assert len(nominatim.requests) == 1
    assert not CivicAddress.objects.exists()  # never stored


def test_several_results_are_offered_to_choose_and_linked_by_their_point(client, nominatim, territory):
    nominatim.answer([place(1, -73.515, 45.535), place(2, -73.505, 45.535, city="Saint-Lambert")])
    lookup = lookup_query(QUERY)
    assert lookup.outcome == CHOOSE_ADDRESS
    assert [str(choice) for choice in lookup.choices] == [
        "150 Rue Saint-Charles Ouest, Longueuil J4H 1C5",
        "150 Rue Saint-Charles Ouest, Saint-Lambert J4H 1C5",
    ]

    with translation.override("fr"):
        url = reverse("public:home")
    html = client.get(url, {"q": QUERY}).content.decode()
    assert 'href="?lon=-73.515000&amp;lat=45.535000#result"' in html  # not a French "-73,515"
    assert "?address=" not in html
    assert "© OpenStreetMap contributors" in html  # the source's licence asks for its name
    picked = client.get(url, {"lon": "-73.505000", "lat": "45.535000"}).content.decode()
    assert "Collectivité nouvelle (VL-02)" in picked


def test_our_own_index_answers_first_and_the_geocoder_is_not_asked(client, nominatim, territory):
    CivicAddress.objects.create(
        civic_number="150",
        street="rue Saint-Charles Ouest",
        street_key=street_key("rue Saint-Charles Ouest"),
        municipality="Longueuil",
        lon=-73.515,
        lat=45.535,
    )
    nominatim.answer([place(1, -73.505, 45.535)])
    lookup = lookup_query(QUERY)
    assert lookup.outcome == FOUND and lookup.sector == territory["centre"]
    assert lookup.address.pk is not None
    assert nominatim.requests == []
    with translation.override("en"):
        html = client.get(reverse("public:home"), {"q": QUERY}).content.decode()
    assert "Julie Tremblay" in html and "outside service" not in html


def test_a_slow_geocoder_is_given_up_quickly(settings, nominatim, territory, caplog):
    settings.GEOCODER_TIMEOUT = 0.3
    nominatim.delay = 1.5
    nominatim.answer([place(1, -73.515, 45.535)])
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="beats.addresses.geocoder"):
        assert lookup_query(QUERY).outcome == NOT_FOUND
    assert time.monotonic() - started < 1.2
    assert "outside geocoder failed" in caplog.text


@pytest.mark.parametrize(
    "status, body",
    [(500, b'{"error": "Internal Server Error"}'), (200, b"<html>Bad gateway</html>"), (200, b'{"a": 1}')],
    ids=["http-500", "not-json", "not-a-list"],
)
def test_an_error_or_a_body_that_is_not_nominatims_reads_as_not_found(nominatim, territory, status, body):
    nominatim.status, nominatim.body = status, body
    assert lookup_query(QUERY).outcome == NOT_FOUND
    assert len(nominatim.requests) == 1


def test_a_refused_connection_reads_as_not_found(settings, nominatim, territory):
    port = nominatim.server_address[1]
    nominatim.shutdown()
    nominatim.server_close()
    settings.GEOCODER_URL = f"http://127.0.0.1:{port}/search"
    assert lookup_query(QUERY).outcome == NOT_FOUND


def test_results_outside_the_viewbox_are_dropped(nominatim, territory):
    nominatim.answer([place(1, -71.2, 46.8, city="Québec")])  # bounded=1 ignored by a wayward server
    assert lookup_query(QUERY).outcome == NOT_FOUND


def test_a_number_typed_keeps_only_results_with_a_number(nominatim, territory):
    nominatim.answer([place(1, -73.515, 45.535, number="")])  # the street's centre, not the address
    assert lookup_query(QUERY).outcome == NOT_FOUND


def test_the_request_names_the_app_the_language_the_country_and_the_sectors_box(nominatim, territory):
    nominatim.answer([])
    with translation.override("en"):
        lookup_query(QUERY)
    [(params, headers)] = nominatim.requests
    assert headers["User-Agent"] == "Proximity (community policing)"
    assert headers["Accept-Language"] == "en"
    assert params["q"] == [QUERY]
    assert params["format"] == ["jsonv2"] and params["limit"] == ["5"] and params["addressdetails"] == ["1"]
    assert params["countrycodes"] == ["ca"]
    assert params["bounded"] == ["1"]
    # The two sectors span -73.52..-73.50 × 45.53..45.54, widened by the 30 m boundary tolerance.
    min_lon, min_lat, max_lon, max_lat = map(float, params["viewbox"][0].split(","))
    assert -73.5210 < min_lon < -73.5200 and 45.5296 < min_lat < 45.5300
    assert -73.5000 < max_lon < -73.4990 and 45.5400 < max_lat < 45.5404


def test_a_configured_viewbox_is_sent_as_given(settings, nominatim, territory):
    settings.GEOCODER_VIEWBOX = "-73.3,45.7,-73.6,45.4"
    settings.GEOCODER_COUNTRY_CODES = "ca,us"
    nominatim.answer([])
    lookup_query(QUERY)
    [(params, _)] = nominatim.requests
    assert params["viewbox"] == ["-73.600000,45.400000,-73.300000,45.700000"]
    assert params["countrycodes"] == ["ca,us"]


def test_the_residents_address_never_reaches_the_logs(settings, nominatim, territory, caplog):
    settings.GEOCODER_TIMEOUT = 0.2
    nominatim.delay = 0.5
    with caplog.at_level(logging.DEBUG):
        lookup_query(QUERY)
        nominatim.delay = 0
        nominatim.status = 500
        lookup_query(QUERY)
        nominatim.answer([place(1, -71.2, 46.8, city="Québec")])
        lookup_query(QUERY)
    assert caplog.records
    messages = " ".join(record.getMessage() for record in caplog.records).lower()
    assert "outside geocoder failed" in messages and "outside the viewbox" in messages
    for needle in ("charles", "q=", "search?", "150 "):
        assert needle not in messages


def test_an_answer_is_cached_and_the_second_lookup_asks_nobody(nominatim, territory):
    nominatim.answer([place(1, -73.515, 45.535)])
    assert lookup_query(QUERY).outcome == FOUND
    # The same address typed differently is the same normalised query.
    assert lookup_query("150 st-charles o").outcome == FOUND
    assert len(nominatim.requests) == 1
    # The key holds a hash, not the address.
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        keys = backend._cache.get_client().keys("*")
        assert keys and all(b"charles" not in key.lower() for key in keys)


def test_requests_faster_than_the_policy_allows_are_skipped_not_queued(settings, nominatim, territory):
    settings.GEOCODER_MIN_INTERVAL = 60
    settings.GEOCODER_TIMEOUT = 0.5
    nominatim.answer([])
    lookup_query(QUERY)
    started = time.monotonic()
    assert lookup_query("25 boulevard Taschereau").outcome == NOT_FOUND
    assert time.monotonic() - started < 0.5
    assert len(nominatim.requests) == 1
