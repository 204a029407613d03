"""One factory per model, with Indonesian fake data."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from opds.models import Opd, User
from ppid.catalogue.models import Category, ExclusionDecision, InformationItem, Subtype
from ppid.catalogue.search import refresh_search_vectors

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


class InformationItemFactory(factory.django.DjangoModelFactory):
    """A published periodic item; pass ``status`` or ``category`` to vary."""

    class Meta:
        model = InformationItem
        # A save after the hook below would write the stale vector back.
        skip_postgeneration_save = True

    opd = factory.SubFactory(OpdFactory)
    title = factory.Sequence(lambda n: "Laporan Kinerja Nomor {}".format(n))
    summary = factory.Faker("paragraph", locale="id_ID")
    category = Category.BERKALA
    subtype = factory.LazyAttribute(
        lambda o: (
            Subtype.objects.filter(category=o.category).first()
            if o.category != Category.DIKECUALIKAN
            else None
        )
    )
    responsible_official = "Kepala Dinas"
    made_on = datetime.date(2026, 1, 15)
    made_at_place = "Purbalingga"
    retention_period = "5 tahun"
    year = 2026
    status = InformationItem.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    event_occurred_at = factory.LazyAttribute(
        lambda o: (
            timezone.now() - datetime.timedelta(hours=5)
            if o.category == Category.SERTA_MERTA
            else None
        )
    )

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):  # noqa: N805
        # The services keep the search vector current; a factory row must too.
        if create:
            refresh_search_vectors(InformationItem.objects.filter(pk=obj.pk))


class ExclusionDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExclusionDecision

    item = factory.SubFactory(InformationItemFactory, category=Category.DIKECUALIKAN)
    ground = "h"
    ground_point = 2
    legal_basis = "UU 14/2008 Pasal 17 huruf h angka 2"
    consequence = "Mengungkap rahasia pribadi."
    public_interest = "Perlindungan data pribadi lebih besar."
    consequence_tested_on = datetime.date(2026, 1, 2)
    scope = ExclusionDecision.Scope.WHOLE
    period_start = datetime.date(2026, 1, 2)
    period_end = datetime.date(2030, 12, 31)
    decided_by = "PPID Pelaksana"
    approved_by = "Kepala Dinas"
    decided_place = "Purbalingga"
    decided_on = datetime.date(2026, 1, 2)


def exclusion_data(**overrides: object) -> dict:
    """A valid exclusion decision as services and the API take it."""
    data = {
        "ground": "h",
        "ground_point": 2,
        "legal_basis": "UU 14/2008 Pasal 17 huruf h angka 2",
        "consequence": "Mengungkap rahasia pribadi pasien.",
        "public_interest": "Perlindungan data pribadi lebih besar.",
        "consequence_tested_on": datetime.date(2026, 1, 2),
        "scope": "whole",
        "redacted_summary": "",
        "period_start": datetime.date(2026, 1, 2),
        "period_end": datetime.date(2030, 12, 31),
        "review_date": None,
        "decided_by": "PPID Pelaksana Dinkes",
        "approved_by": "Kepala Dinas Kesehatan",
        "decided_place": "Purbalingga",
        "decided_on": datetime.date(2026, 1, 2),
    }
    data.update(overrides)
    return data


def item_data(**overrides: object) -> dict:
    """Valid item fields as services take them."""
    data = {
        "title": "Rencana Strategis Dinas Kesehatan 2021-2026",
        "summary": "Visi, misi, tujuan dan sasaran pelayanan kesehatan.",
        "category": Category.SETIAP_SAAT,
        "subtype": Subtype.objects.get(code="setiap-saat-renstra"),
        "responsible_official": "Kepala Dinas Kesehatan",
        "made_on": datetime.date(2026, 1, 15),
        "made_at_place": "Purbalingga",
        "format": "softcopy",
        "retention_period": "Permanen",
        "year": 2026,
        "period": "",
        "external_url": "",
        "event_occurred_at": None,
    }
    data.update(overrides)
    return data


def pdf_bytes(text: str = "Laporan") -> bytes:
    """A small real PDF holding ``text``."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    # Uncompressed, so the text can be found in the raw bytes.
    pdf = canvas.Canvas(buffer, pageCompression=0)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class SocialAccountFactory(factory.django.DjangoModelFactory):
    """An API-connected Instagram account of a new OPD."""

    class Meta:
        model = "socialposts.SocialAccount"

    opd = factory.SubFactory(OpdFactory)
    platform = "instagram"
    handle = factory.Sequence(lambda n: "opd_purbalingga_{}".format(n))
    external_id = factory.Sequence(lambda n: "1784{:010d}".format(n))
    connection = "api"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "socialposts.Post"

    account = factory.SubFactory(SocialAccountFactory)
    external_id = factory.Sequence(lambda n: "post{}".format(n))
    published_at = factory.LazyFunction(timezone.now)
    content_type = "foto"


# --- Helper "portal" (aspirations: the portal's form, the API, conversions) ---


class PortalCaseFactory(factory.django.DjangoModelFactory):
    """A case of the aspiration inbox as the API and the conversions see it;
    ``channel`` defaults to WhatsApp, ``state`` to routed when an OPD is given."""

    class Meta:
        model = "aspirations.Case"

    number = factory.Sequence(lambda n: "ASP-PBG/2026/{:06d}".format(n + 1))
    channel = "whatsapp"
    thread_key = factory.Sequence(lambda n: "line:{}".format(n))
    title = "Jalan berlubang di Kalimanah"
    kind = "complaint"
    state = factory.LazyAttribute(lambda o: "routed" if o.opd else "new")
    opd = None
    received_at = factory.LazyFunction(timezone.now)
    contact = factory.LazyAttribute(lambda o: _portal_contact(o.thread_key))


def _portal_contact(key: str):
    from aspirations.inbox.models import Contact

    return Contact.objects.create(
        platform="whatsapp",
        external_id="kontak-{}".format(key),
        name="Siti Aminah",
        phone_masked="+62••••••789",
    )


class PortalMessageFactory(factory.django.DjangoModelFactory):
    """A citizen's message of a case."""

    class Meta:
        model = "aspirations.Message"

    case = factory.SubFactory(PortalCaseFactory)
    platform = "whatsapp"
    direction = "in"
    author_name = "Siti Aminah"
    text = "Jalan di depan SD rusak parah, hubungi saya di 081234567890."
    sent_at = factory.LazyFunction(timezone.now)


# --- hooks (aspirations webhooks) -------------------------------------------------


class WhatsAppLineFactory(factory.django.DjangoModelFactory):
    """A WhatsApp Cloud API number of the regency (no OPD)."""

    class Meta:
        model = "aspirations.WhatsAppLine"

    name = factory.Sequence(lambda n: "Lapor MasBuP {}".format(n))
    phone_number_id = factory.Sequence(lambda n: "1065403522{:05d}".format(n))
    display_number = factory.Sequence(lambda n: "628112880{:04d}".format(n))
