"""The catalogue's facet lists made in Python (ppid.catalogue.listing)."""

import datetime

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator

from ppid.catalogue import listing
from ppid.catalogue.filters import InformationItemFilterSet
from ppid.catalogue.listing import LONG_FACET, FacetLinks, ResultCard
from ppid.catalogue.models import InformationItem
from tests.factories import InformationItemFactory, OpdFactory

# The loop the sidebar had before its items were made in Python.
LOOP = Template(
    "{% for href, label, count in facet.links %}\n"
    '        <li><a href="{{ href }}">{{ label }}</a> '
    '<span class="text-body-secondary">({{ count }})</span></li>\n'
    "        {% endfor %}"
)


def test_facet_items_print_what_the_template_loop_printed():
    facet = FacetLinks(
        "opd",
        "Agency",
        [
            ("?q=a&opd=dinas-x", 'Dinas "X" & <Kawan>', "12"),
            ("?opd=dinkes", "Dinas Kesehatan", "1.234"),
        ],
    )
    assert facet.items == LOOP.render(Context({"facet": facet}))
    assert "?q=a&amp;opd=dinas-x" in facet.items
    assert "Dinas &quot;X&quot; &amp; &lt;Kawan&gt;" in facet.items


# The sidebar's and the result list's loops before their markup moved to
# ppid.catalogue.listing, verbatim from templates/ppid/_catalogue_results.html.
SIDEBAR = Template(
    "{% load i18n %}{% for facet in facet_links %}\n"
    '    <section class="mb-3">\n'
    '      <h2 class="h6 text-uppercase text-body-secondary" id="facet-{{ facet.name }}-title">{{ facet.title }}</h2>\n'  # noqa: E501
    '      {% if facet.is_long %}{% if facet.name == "opd" %}\n'
    '      <input class="form-control form-control-sm mb-2" type="search" data-facet-filter="facet-opd-list" placeholder="{% translate \'Find an agency\' %}" aria-label="{% translate \'Find an agency\' %}" autocomplete="off">\n'  # noqa: E501
    "      {% endif %}{% endif %}\n"
    '      <ul class="list-unstyled small mb-0{% if facet.is_long %} facet-list-long{% endif %}" id="facet-{{ facet.name }}-list" aria-labelledby="facet-{{ facet.name }}-title">\n'  # noqa: E501
    "        {{ facet.items }}\n"
    "      </ul>\n"
    '      {% if facet.name == "opd" %}<p class="small text-body-secondary mb-0" id="facet-opd-list-none" hidden>{% translate "No agency has that name here." %}</p>{% endif %}\n'  # noqa: E501
    "    </section>\n"
    "    {% endfor %}"
)
CARDS = Template(
    "{% for card in cards %}\n"
    '    <article class="card mb-2">\n'
    '      <div class="card-body py-2">\n'
    '        <h2 class="h6 card-title mb-1"><a href="{{ card.url }}">{{ card.title }}</a></h2>\n'  # noqa: E501
    '        <p class="card-text small mb-1">{{ card.summary }}</p>\n'
    '        <p class="card-text small text-body-secondary mb-0">\n'
    '          <span class="badge text-bg-light border">{{ card.category }}</span>\n'
    "          {{ card.opd }} · {{ card.year }}{% if card.published %} · {{ card.published }}{% endif %}{% if card.files %} · {{ card.files }}{% endif %}\n"  # noqa: E501
    "        </p>\n"
    "      </div>\n"
    "    </article>\n"
    "    {% endfor %}"
)


def _links(n):
    return [("?opd=o{}".format(i), "OPD <{}>".format(i), str(i)) for i in range(n)]


@pytest.mark.parametrize("language", ["id", "en"])
def test_facet_sections_print_what_the_template_printed(language):
    facets = [
        FacetLinks("opd", "Perangkat & Daerah", _links(LONG_FACET + 1)),
        FacetLinks("opd", "Agency", _links(2)),
        FacetLinks("year", "Year", _links(LONG_FACET + 3)),
        FacetLinks("category", 'Kategori "A"', _links(1)),
    ]
    with translation.override(language):
        printed = "".join(facet.html for facet in facets)
        assert printed == SIDEBAR.render(Context({"facet_links": facets}))
    assert printed.count("data-facet-filter") == 1
    assert printed.count("facet-opd-list-none") == 2
    assert printed.count("facet-list-long") == 2
    assert "Perangkat &amp; Daerah" in printed


@pytest.mark.parametrize("language", ["id", "en"])
def test_cards_print_what_the_template_printed(language):
    item = InformationItem(pk=7)
    cards = [
        ResultCard(
            item=item,
            url="/informasi/7/?a=1&b=2",
            title='Laporan "Keuangan" <2025> & lampiran',
            summary="Ringkasan … dengan 'kutip'",
            category="Berkala",
            opd="Dinkes",
            year=2025,
            published="3 Des 2026",
            files="2 berkas",
        ),
        ResultCard(
            item=item,
            url="/informasi/8/",
            title="Tanpa tanggal",
            summary="",
            category="Serta merta",
            opd="Bappeda",
            year=12345,
            published="",
            files="",
        ),
    ]
    with translation.override(language):
        printed = "".join(card.html for card in cards)
        assert printed == CARDS.render(Context({"cards": cards}))
    assert "Laporan &quot;Keuangan&quot; &lt;2025&gt; &amp; lampiran" in printed
    assert "Dinkes · 2025 · 3 Des 2026 · 2 berkas\n" in printed
    assert "Bappeda · 12345\n" in printed


@pytest.mark.django_db
def test_a_page_of_cards_prints_each_item_once(client):
    opd = OpdFactory(short_name="Dinas <Uji>")
    items = InformationItemFactory.create_batch(3, opd=opd, title="Judul & isi")
    response = client.get(reverse("ppid:catalogue"))
    html = response.content.decode()
    assert html.count('<article class="card mb-2">') == 3
    for item in items:
        assert 'href="{}"'.format(item.get_absolute_url()) in html
    assert "Judul &amp; isi" in html
    assert "Dinas &lt;Uji&gt; · " in html


def test_a_cards_year_is_separated_as_the_template_would(settings):
    card = ResultCard(
        item=InformationItem(pk=1),
        url="/",
        title="t",
        summary="",
        category="c",
        opd="o",
        year=12345,
        published="",
        files="",
    )
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("id"):
        assert card.html == CARDS.render(Context({"cards": [card]}))
        assert "o · 12.345\n" in card.html


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  satu   dua\n tiga ",
        " ".join(f"kata{n}" for n in range(30)),
        " ".join(f"kata{n}" for n in range(31)),
        "a " * 80,
        "kata " * 30 + "  \n",
        "kata " * 31 + " ",
        "\t" + "kata … " * 20,
    ],
)
def test_a_summary_is_cut_as_truncator_cuts_it(text):
    assert listing._summary(text) == Truncator(text).words(30, truncate=" …")


@pytest.mark.django_db
def test_cards_link_date_and_label_as_the_items_do(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    evening = datetime.datetime(2026, 3, 4, 20, 30, tzinfo=datetime.UTC)  # 5 Mar WIB
    items = [
        InformationItemFactory(published_at=evening),
        InformationItemFactory(published_at=evening + datetime.timedelta(hours=1)),
        InformationItemFactory(published_at=evening - datetime.timedelta(hours=14)),
    ]
    for item in items:
        item.file_count = 0
    set_script_prefix("/portal/")
    try:
        with translation.override("id"):
            cards = listing.result_cards(items)
            for item, card in zip(items, cards, strict=True):
                assert card.url == item.get_absolute_url()
                assert card.url.startswith("/portal/")
                assert card.category == str(item.get_category_display())
                expected = date_format(timezone.localtime(item.published_at), "j M Y")
                assert card.published == expected
    finally:
        set_script_prefix("/")
    assert [card.published for card in cards] == [
        "5 Mar 2026",
        "5 Mar 2026",
        "4 Mar 2026",
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_cards_day_is_written_as_date_format_writes_it(language):
    with translation.override(language):
        text = listing._day_texts()
        for day in [datetime.date(2026, month, month * 2) for month in range(1, 13)] + [
            datetime.date(987, 1, 1),
            datetime.date(2026, 12, 31),
        ]:
            assert text(day) == date_format(day, "j M Y")


# The category options of the search form before they were made in Python.
CATEGORY_LOOP = Template(
    "{% for value, label in filterset.form.fields.category.choices %}"
    '{% if value and value != "dikecualikan" %}\n'
    '        <option value="{{ value }}"{% if filterset.form.category.value == value %}'
    " selected{% endif %}>{{ label }}</option>\n"
    "        {% endif %}{% endfor %}"
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    "query", ["", "q=air", "category=berkala", "category=dikecualikan", "category=x"]
)
def test_category_options_print_what_the_template_loop_printed(language, query):
    filterset = InformationItemFilterSet(QueryDict(query))
    with translation.override(language):
        printed = listing.category_options(filterset.form)
        assert printed == CATEGORY_LOOP.render(Context({"filterset": filterset}))
    assert "dikecualikan" not in printed
    assert printed.count(" selected") == (query == "category=berkala")
