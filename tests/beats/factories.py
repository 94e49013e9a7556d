import factory

from beats.addresses.normalise import street_key
from beats.models import CivicAddress, Sector

# Sectors in the tests are axis-aligned squares near Longueuil, easy to reason about.
ORIGIN_LON, ORIGIN_LAT = -73.50, 45.50


def square(x0: float, y0: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"Secteur {n}")
    municipality = "Longueuil"
    population = 5000
    geometry = factory.Sequence(lambda n: square(ORIGIN_LON + 0.02 * n, ORIGIN_LAT))


def civic_address(number, street, municipality="Longueuil", lon=-73.5, lat=45.5, postal="J4H1C5", **fields):
    """A row of the address index, its street key made as the importer makes it."""
    return CivicAddress.objects.create(
        civic_number=number,
        street=street,
        street_key=street_key(street),
        municipality=municipality,
        postal_code=postal,
        lon=lon,
        lat=lat,
        **fields,
    )
