"""Officers, assignments and absences for setting up tests, built with the models (not the services)."""

import datetime

import factory

from officers.models import Absence, Assignment, Officer
from tests.beats.factories import SectorFactory


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    badge_number = factory.Sequence(lambda n: f"{1000 + n}")
    first_name = factory.Iterator(["Julie", "Marc", "Amina", "Luc", "Sophie", "Karim"])
    last_name = factory.Iterator(["Tremblay", "Gagnon", "Haddad", "Roy", "Côté", "Nguyen"])
    role = Officer.Role.CONSTABLE
    # Valid North American numbers in the 555-01xx block set aside for fiction.
    work_phone = factory.Sequence(lambda n: f"+1450555{100 + n % 100:04d}")
    work_email = factory.LazyAttribute(lambda o: f"{o.badge_number}@police.example")
    is_published = True


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    officer = factory.SubFactory(OfficerFactory)
    sector = factory.SubFactory(SectorFactory)
    role = Assignment.Role.PRIMARY
    starts_on = datetime.date(2025, 1, 1)
    ends_on = None


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    officer = factory.SubFactory(OfficerFactory)
    starts_on = datetime.date(2025, 3, 1)
    ends_on = datetime.date(2025, 3, 14)
    covering_officer = None
