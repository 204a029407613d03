"""The citizen's menu and the home page's links, as Indonesian PPID portals
are expected to offer them (issue 18, defect 8)."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

MENU_LINKS = [
    reverse("ppid:catalogue"),
    reverse("ppid:catalogue") + "?category=berkala",
    reverse("ppid:catalogue") + "?category=serta_merta",
    reverse("ppid:catalogue") + "?category=setiap_saat",
    reverse("ppid:exclusions"),
    reverse("ppid:request-form"),
    reverse("ppid:request-track"),
    reverse("ppid:objection-form"),
    reverse("ppid:request-guide"),
    reverse("ppid:statistics"),
    reverse("ppid:statistics") + "#laporan-tahunan",
    reverse("evaluations:public"),
    reverse("ppid:profile"),
    reverse("ppid:profile-structure"),
    reverse("ppid:profile-notice"),
    reverse("ppid:profile-procedures"),
    reverse("opds:opd-list"),
]


def _menu(html: str) -> str:
    return html.split('id="main-nav"')[1].split("</nav>")[0]


def test_the_menu_offers_every_part_of_the_portal(client):
    menu = _menu(client.get(reverse("ppid:request-guide")).content.decode())
    for url in MENU_LINKS:
        assert 'href="{}"'.format(url.replace("&", "&amp;")) in menu, url
    # The page's own entry is marked, and only that one.
    assert len(re.findall(r"dropdown-toggle[^\"]*\bactive\b", menu)) == 1
    assert "Permohonan &" in menu


def test_the_profile_entry_is_marked_on_the_profile_pages(client):
    menu = _menu(client.get(reverse("ppid:profile-notice")).content.decode())
    (active,) = re.findall(r"dropdown-toggle[^\"]*\bactive\b\"[^>]*>([^<]+)<", menu)
    assert active == "Profil PPID"


def test_a_missing_page_marks_no_entry(client):
    response = client.get("/halaman-yang-tidak-ada/")
    assert response.status_code == 404
    assert not re.search(r"nav-link[^\"]*\bactive\b", _menu(response.content.decode()))


def test_home_links_statistics_the_dik_and_the_ppid_profile(client):
    main = client.get(reverse("home")).content.decode().split('id="main"')[1]
    for name in ("ppid:statistics", "ppid:exclusions", "ppid:profile"):
        assert 'href="{}"'.format(reverse(name)) in main, name


def test_the_four_category_cards_are_links(client):
    page = client.get(reverse("ppid:public-information")).content.decode()
    main = page.split('id="main"')[1]
    cards = re.findall(r'<a class="stretched-link" href="([^"]+)"', main)
    catalogue = reverse("ppid:catalogue")
    assert cards == [
        catalogue + "?category=berkala",
        catalogue + "?category=serta_merta",
        catalogue + "?category=setiap_saat",
        reverse("ppid:exclusions"),
    ]
    for url in cards:
        assert client.get(url).status_code == 200


ONCE = Template(
    "{% load i18n ppid_menu %}{% once %}{% translate 'Log in' %} {{ n }} "
    "{% url 'ppid:feed' %}{% endonce %}|{{ n }}"
)


def test_the_layouts_fixed_parts_are_rendered_once_per_language(settings):
    settings.DEBUG = False
    with translation.override("id"):
        first = ONCE.render(Context({"n": 1}))
        again = ONCE.render(Context({"n": 2}))
    with translation.override("en"):
        english = ONCE.render(Context({"n": 3}))
    assert first == "Masuk 1 {}|1".format(reverse("ppid:feed"))
    # What {% once %} encloses is kept; what follows it is not.
    assert again == "Masuk 1 {}|2".format(reverse("ppid:feed"))
    assert english.startswith("Log in 3 ")


def test_debug_and_a_setting_change_render_it_again(settings):
    settings.DEBUG = False
    with translation.override("id"):
        assert ONCE.render(Context({"n": 1})).startswith("Masuk 1 ")
        settings.STATIC_URL = "/statis/"
        assert ONCE.render(Context({"n": 2})).startswith("Masuk 2 ")
        settings.DEBUG = True
        assert ONCE.render(Context({"n": 3})).startswith("Masuk 3 ")
