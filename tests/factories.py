"""One factory per model, with Indonesian fake data."""

from __future__ import annotations

import factory
from django.utils.text import slugify

from opds.models import Opd, User

PASSWORD = "kata-sandi-uji-2026"


class OpdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opd
        django_get_or_create = ("slug",)

    short_name = factory.Sequence(lambda n: "OPD{}".format(n))
    name = factory.Faker("company", locale="id_ID")
    slug = factory.LazyAttribute(lambda o: slugify(o.short_name))
    kind = Opd.Kind.DINAS
    website = factory.LazyAttribute(
        lambda o: "https://{}.purbalinggakab.go.id".format(o.slug)
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: "pengguna{}".format(n))
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda o: "{}@purbalingga.test".format(o.username))
    password = factory.django.Password(PASSWORD)
