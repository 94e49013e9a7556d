import factory

from beats.models import Sector

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
