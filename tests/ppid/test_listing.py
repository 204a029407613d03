"""The catalogue's facet lists made in Python (ppid.catalogue.listing)."""

from django.template import Context, Template

from ppid.catalogue.listing import FacetLinks

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
