"""What the public catalogue page prints, computed once in Python.

The template engine pays for every variable, filter and tag it meets, and a
results page meets them per result and per facet value: a hundred facet
links and twenty cards cost more than the search itself. So the page's
rows are made here as plain strings (links, labels, counts, dates), and the
template only prints them. The text is the same the template filters made
(``truncatewords``, ``intcomma``, ``date``, the "n files" plural).

The markup of a card, a facet's section and link and a category option is
here too (``CARD``, ``FACET_SECTION``, ``FACET_ITEM``, ``CATEGORY_OPTION``),
with the template's spaces: edit it here; tests/ppid/test_listing.py
compares it with the template text it came from.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.forms import Form
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import add_truncation_text
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ppid.catalogue.models import Category, InformationItem
from ppid.catalogue.selectors import Facet

# Past this many values a facet's list is folded and, for the OPDs, gets a
# name filter.
LONG_FACET = 8
SUMMARY_WORDS = 30


@dataclass(frozen=True)
class FacetLinks:
    """One facet of the sidebar: its heading and its links with counts."""

    name: str
    title: str
    # (href, label, count as printed)
    links: list[tuple[str, str, str]]

    @property
    def is_long(self) -> bool:
        return len(self.links) > LONG_FACET

    @property
    def html(self) -> SafeString:
        """The facet's section of the sidebar, as the template printed it."""
        # One string, not a dozen tags and variables a facet (about 0.1 ms
        # each); the markup is FACET_SECTION's.
        is_opd = self.name == "opd"
        return mark_safe(  # nosec B308 B703 # every value escaped
            FACET_SECTION.format(
                name=_escape(self.name),
                title=_escape(self.title),
                find=(
                    OPD_FIND.format(_escape(_("Find an agency")))
                    if is_opd and self.is_long
                    else ""
                ),
                long=" facet-list-long" if self.is_long else "",
                items=self.items,
                none=OPD_NONE.format(_escape(_("No agency has that name here.")))
                if is_opd
                else "",
            )
        )

    @property
    def items(self) -> SafeString:
        """The list's items as the sidebar prints them."""
        # Made here, not in a template loop: a broad search has a hundred
        # links, and three variables each cost the template engine about a
        # millisecond a page. The spaces are the template's indentation.
        return mark_safe(  # nosec B308 B703 # every value escaped
            "".join(FACET_ITEM.format(*map(_escape, link)) for link in self.links)
        )


def _number(number: int) -> str:
    """A whole number as the template prints it."""
    # localize() gives str() unless thousands are separated, after three
    # format lookups a call.
    if settings.USE_THOUSAND_SEPARATOR:
        return html.escape(str(localize(number)))
    return str(number)


def category_options(form: Form) -> SafeString:
    """The search form's category options but "all" (``form``: the catalogue
    FilterSet's), the one filtered by selected."""
    # Made here, not in a loop asking the bound field for its value once an
    # option. The excluded category is no public list's. The spaces are the
    # template's.
    selected = form["category"].value()
    return mark_safe(  # nosec B308 B703 # every value escaped
        "".join(
            CATEGORY_OPTION.format(
                _escape(str(value)),
                " selected" if selected == value else "",
                _escape(str(label)),
            )
            for value, label in form.fields["category"].choices
            if value and value != Category.DIKECUALIKAN
        )
    )


CATEGORY_OPTION = '\n        <option value="{}"{}>{}</option>\n        '


def _escape(text: str) -> str:
    # conditional_escape without its lazy-string wrapper, which cost more
    # than the escaping: the values are plain strings.
    return text.__html__() if hasattr(text, "__html__") else html.escape(text)


# One value of a facet: the link that filters by it, and how many items have it.
FACET_ITEM = (
    '\n        <li><a href="{}">{}</a> <span class="text-body-secondary">({})</span></li>'
    "\n        "
)


# One facet of the sidebar; the spaces are the results template's.
FACET_SECTION = (
    '\n    <section class="mb-3">'
    '\n      <h2 class="h6 text-uppercase text-body-secondary"'
    ' id="facet-{name}-title">{title}</h2>'
    "\n      {find}"
    '\n      <ul class="list-unstyled small mb-0{long}" id="facet-{name}-list"'
    ' aria-labelledby="facet-{name}-title">'
    "\n        {items}"
    "\n      </ul>"
    "\n      {none}"
    "\n    </section>"
    "\n    "
)
# The name filter of a long list of OPDs (static/js/facet-filter.js).
OPD_FIND = (
    '\n      <input class="form-control form-control-sm mb-2" type="search"'
    ' data-facet-filter="facet-opd-list" placeholder="{0}" aria-label="{0}"'
    ' autocomplete="off">\n      '
)
OPD_NONE = (
    '<p class="small text-body-secondary mb-0" id="facet-opd-list-none" hidden>{}</p>'
)


@dataclass(frozen=True)
class ResultCard:
    """One result of the list, as its card prints it."""

    item: InformationItem
    url: str
    title: str
    summary: str
    category: str
    opd: str
    year: int
    published: str
    files: str

    @property
    def html(self) -> SafeString:
        """The card as the results list prints it."""
        # One string, not ten variables and two tags a card: twenty cards
        # cost the template engine about a millisecond a page. The markup is
        # CARD's.
        return mark_safe(  # nosec B308 B703 # every value escaped
            CARD.format(
                url=_escape(self.url),
                title=_escape(self.title),
                summary=_escape(self.summary),
                category=_escape(self.category),
                opd=_escape(self.opd),
                year=_number(self.year),
                published=" · " + _escape(self.published) if self.published else "",
                files=" · " + _escape(self.files) if self.files else "",
            )
        )


# One result; the spaces are the results template's.
CARD = (
    '\n    <article class="card mb-2">'
    '\n      <div class="card-body py-2">'
    '\n        <h2 class="h6 card-title mb-1"><a href="{url}">{title}</a></h2>'
    '\n        <p class="card-text small mb-1">{summary}</p>'
    '\n        <p class="card-text small text-body-secondary mb-0">'
    '\n          <span class="badge text-bg-light border">{category}</span>'
    "\n          {opd} · {year}{published}{files}"
    "\n        </p>"
    "\n      </div>"
    "\n    </article>"
    "\n    "
)


def _facet_titles() -> dict[str, str]:
    return {
        "category": _("Category"),
        "opd": _("Agency"),
        "subtype": _("Sub-type"),
        "year": _("Year"),
        "format": _("Form"),
    }


def _count(number: int) -> str:
    # Below a thousand no separator is written: the same text as intcomma,
    # without its locale lookups for the most common case.
    return str(number) if 0 <= number < 1000 else intcomma(number)


def facet_links(facets: Iterable[Facet], query: str) -> list[FacetLinks]:
    """The facets with a value, each value a link that adds it to ``query``
    (the current query string without ``page``)."""
    titles = _facet_titles()
    start = "?{}&".format(query) if query else "?"
    return [
        FacetLinks(
            facet.name,
            titles[facet.name],
            [
                (
                    "{}{}={}".format(start, facet.name, quote(str(value), safe="/")),
                    label,
                    _count(count),
                )
                for value, label, count in facet.choices
            ],
        )
        for facet in facets
        if facet.choices
    ]


def result_cards(items: Iterable[InformationItem]) -> list[ResultCard]:
    """The cards of a page of results (items read with ``file_count``)."""
    # What is the same for every card is worked out once a page: the
    # category labels translated, the item URL's pattern reversed (about
    # 20 µs a card, the URL resolver's work), the months' names.
    labels = {value: str(label) for value, label in Category.choices}
    url_of = _item_urls()
    day_text = _day_texts()
    cards = []
    for item in items:
        files = getattr(item, "file_count", None)
        if files is None:
            files = len(item.files.all())
        published = ""
        if item.published_at:
            published = day_text(timezone.localtime(item.published_at).date())
        cards.append(
            ResultCard(
                item=item,
                url=url_of(item.pk),
                title=item.title,
                summary=_summary(item.summary),
                category=labels.get(item.category, item.category),
                opd=item.opd.short_name,
                year=item.year,
                published=published,
                files=(
                    ngettext("%(counter)s file", "%(counter)s files", files)
                    % {"counter": files}
                    if files
                    else ""
                ),
            )
        )
    return cards


# A number no item has, reversed in the item page's URL and replaced there
# by each item's id: what reverse() would give for it, digits being digits.
_URL_PK = 7_314_159_265_358_979


def _item_urls() -> Callable[[int], str]:
    """``InformationItem.get_absolute_url`` for any id, reversed once."""
    pattern = InformationItem(pk=_URL_PK).get_absolute_url()
    head, found, tail = pattern.partition(str(_URL_PK))
    if not found or str(_URL_PK) in tail:
        return lambda pk: InformationItem(pk=pk).get_absolute_url()
    return lambda pk: "{}{}{}".format(head, pk, tail)


def _day_texts() -> Callable[[datetime.date], str]:
    """``date_format(day, "j M Y")`` for the days of one page."""
    # What DateFormat does for "j M Y" (day, MONTHS_3 titled, year of four
    # digits), without parsing the format and looking up the month's name
    # for every card.
    months: dict[int, str] = {}

    def text(day: datetime.date) -> str:
        month = months.get(day.month)
        if month is None:
            month = months[day.month] = MONTHS_3[day.month].title()
        return "{} {} {:04d}".format(day.day, month, day.year)

    return text


def _summary(text: str) -> str:
    """``Truncator(text).words(SUMMARY_WORDS, truncate=" …")``, without its
    lazy object's set-up or splitting the words past the cut."""
    words = text.split(None, SUMMARY_WORDS)
    if len(words) <= SUMMARY_WORDS:
        return " ".join(words)
    return add_truncation_text(" ".join(words[:SUMMARY_WORDS]), " …")
