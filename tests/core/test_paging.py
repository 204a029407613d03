"""The page links made in Python (core.paging.pagination)."""

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.utils import translation

from core import paging

# includes/pagination.html before its markup moved to core.paging, verbatim.
OLD = Template(
    "{% load i18n %}{% if page_links %}\n"
    '<nav aria-label="{% translate \'Pages\' %}"><ul class="pagination pagination-sm flex-wrap">\n'  # noqa: E501
    '  {% if page.has_previous %}<li class="page-item"><a class="page-link" href="?{% if query %}{{ query }}&amp;{% endif %}page={{ page.previous_page_number }}" rel="prev">{% translate "Previous" %}</a></li>{% endif %}\n'  # noqa: E501
    "  {% for number in page_links %}\n"
    '  {% if number == page.paginator.ELLIPSIS %}<li class="page-item disabled"><span class="page-link">…</span></li>\n'  # noqa: E501
    '  {% elif number == page.number %}<li class="page-item active" aria-current="page"><span class="page-link">{{ number }}</span></li>\n'  # noqa: E501
    '  {% else %}<li class="page-item"><a class="page-link" href="?{% if query %}{{ query }}&amp;{% endif %}page={{ number }}" aria-label="{% blocktranslate %}Page {{ number }}{% endblocktranslate %}">{{ number }}</a></li>{% endif %}\n'  # noqa: E501
    "  {% endfor %}\n"
    '  {% if page.has_next %}<li class="page-item"><a class="page-link" href="?{% if query %}{{ query }}&amp;{% endif %}page={{ page.next_page_number }}" rel="next">{% translate "Next" %}</a></li>{% endif %}\n'  # noqa: E501
    "</ul></nav>\n"
    "{% endif %}"
)


def both(page, query):
    links = paging.page_links(page)
    new = paging.pagination(page, links, query)
    old = OLD.render(Context({"page": page, "page_links": links, "query": query}))
    return new, old


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("query", ["", "q=air+bersih&opd=dinas-<x>&year=2025"])
@pytest.mark.parametrize("pages", [1, 2, 6, 7, 12, 50])
def test_page_links_print_what_the_template_printed(language, query, pages):
    paginator = Paginator(range(pages * 20), 20)
    with translation.override(language):
        for number in sorted(
            {1, 2, 3, 4, pages // 2, pages - 1, pages} & set(paginator.page_range)
        ):
            new, old = both(paginator.page(number), query)
            assert new == old
            assert ("<nav" in new) == (pages > 1)
    if query and pages > 1:
        assert "?q=air+bersih&amp;opd=dinas-&lt;x&gt;&amp;year=2025&amp;page=" in new


def test_page_numbers_are_separated_as_the_template_would(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    page = Paginator(range(3000), 1).page(1500)
    with translation.override("id"):
        new, old = both(page, "")
    assert new == old
    assert "page=1.499" in new
