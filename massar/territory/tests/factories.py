"""Factories for territory rows. Academies and directorates come from the reference migration."""

import factory

from massar.core.choices import Area, Sector
from massar.territory.models import Commune, Directorate, Establishment, EstablishmentCycle


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"C{n:06d}")
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")
    directorate = factory.LazyFunction(lambda: Directorate.objects.get(code="0401"))
    area = Area.URBAN


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"{n % 100000:05d}X")
    name_fr = factory.Sequence(lambda n: f"Établissement {n}")
    name_ar = factory.Sequence(lambda n: f"مؤسسة {n}")
    commune = factory.SubFactory(CommuneFactory)
    directorate = factory.LazyAttribute(lambda o: o.commune.directorate)
    academy = factory.LazyAttribute(lambda o: o.directorate.academy)
    sector = Sector.PUBLIC
    area = factory.LazyAttribute(lambda o: o.commune.area)

    @factory.post_generation
    def cycles(self, create, extracted, **kwargs):
        if create and extracted:
            EstablishmentCycle.objects.bulk_create(
                [EstablishmentCycle(establishment=self, cycle=c) for c in extracted]
            )
