"""The public change log of an item reads as sentences (issue 18, point 14)."""

import pytest
from django.utils import translation

from ppid.catalogue.models import InformationItem, ItemChange
from tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db
Action = ItemChange.Action


def in_indonesian(msgid: str, **values) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    return text % values if values else text


def logged(item, action, changes=None):
    return ItemChange.objects.create(item=item, action=action, changes=changes or {})


def test_the_public_change_log_tells_what_happened_in_sentences(client, opd):
    item = InformationItemFactory(opd=opd)
    logged(item, Action.PUBLISHED, {"status": ["review", "published"]})
    logged(item, Action.FILE_ADDED, {"file": ["", "draf-ktp-budi.pdf"]})
    logged(item, Action.UPDATED, {"title": ["Lama", "Baru"]})
    body = client.get(item.get_absolute_url()).content.decode()
    with translation.override("id"):
        status = str(InformationItem._meta.get_field("status").verbose_name)
        title = str(InformationItem._meta.get_field("title").verbose_name)
        published = str(Action.PUBLISHED.label)
        file_added = str(Action.FILE_ADDED.label)
    for sentence in (
        in_indonesian("Published to the public."),
        in_indonesian("A file was added."),
        in_indonesian("Changes to: %(fields)s.", fields=title),
    ):
        assert sentence in body
    # No "Diterbitkan: status" nor "Berkas ditambahkan: berkas".
    assert "{}: {}".format(published, status) not in body
    assert "{}: ".format(file_added) not in body
    # A file's name is not told: a draft's file may have been withdrawn.
    assert "draf-ktp-budi.pdf" not in body
