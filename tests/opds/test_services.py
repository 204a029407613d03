import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opds.models import Opd
from opds.services import import_opds, merge_opds, update_opd_profile

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "short_name": "KEC-PURBALINGGA",
        "name": "Kecamatan Purbalingga",
        "kind": "kecamatan",
        "website": "",
    },
    {
        "short_name": "KEL-BOJONG",
        "name": "Kelurahan Bojong",
        "kind": "kelurahan",
        "website": "",
        "parent": "KEC-PURBALINGGA",
    },
]


def test_import_creates_then_updates_by_slug():
    assert import_opds(rows=ROWS).created == 2
    changed = [dict(ROWS[0], name="Kecamatan Purbalingga Kota"), ROWS[1]]
    result = import_opds(rows=changed)
    assert (result.created, result.updated) == (0, 2)
    assert Opd.objects.get(slug="kec-purbalingga").name == "Kecamatan Purbalingga Kota"
    assert Opd.objects.get(slug="kel-bojong").parent.slug == "kec-purbalingga"


def test_import_with_one_bad_row_saves_nothing_and_names_row_and_field():
    rows = [*ROWS, {"short_name": "DINX", "name": "Dinas X", "kind": "kementerian"}]
    with pytest.raises(ValidationError) as excinfo:
        import_opds(rows=rows)
    message = " ".join(excinfo.value.messages)
    assert "4" in message and "kind" in message
    assert not Opd.objects.exists()


def test_import_refuses_unknown_parent():
    with pytest.raises(ValidationError) as excinfo:
        import_opds(rows=[ROWS[1]])
    assert "KEC-PURBALINGGA" in " ".join(excinfo.value.messages)


def test_opd_admin_updates_own_profile(opd, opd_admin):
    update_opd_profile(opd=opd, by=opd_admin, data={"phone": "(0281) 891046"})
    opd.refresh_from_db()
    assert opd.phone == "(0281) 891046"


def test_opd_admin_cannot_update_other_opd_profile(other_opd, opd_admin):
    with pytest.raises(PermissionDenied):
        update_opd_profile(opd=other_opd, by=opd_admin, data={"phone": "1"})
    other_opd.refresh_from_db()
    assert other_opd.phone == ""


def test_profile_update_refuses_structural_fields(opd, opd_admin):
    with pytest.raises(ValidationError):
        update_opd_profile(opd=opd, by=opd_admin, data={"name": "Dinas Baru"})
    opd.refresh_from_db()
    assert opd.name == "Dinas Kesehatan"


def test_merge_ends_old_opds_and_links_the_successor(opd, other_opd, superuser):
    effective = datetime.date(2026, 1, 2)
    new = merge_opds(
        predecessors=[opd, other_opd],
        name="Dinas Kesehatan dan Lingkungan Hidup",
        short_name="DINKESLH",
        kind=Opd.Kind.DINAS,
        effective=effective,
        by=superuser,
    )
    opd.refresh_from_db()
    assert opd.valid_to == datetime.date(2026, 1, 1)
    assert opd.is_active is False
    assert set(new.predecessors.all()) == {opd, other_opd}
    assert list(opd.successors.all()) == [new]
    assert set(Opd.objects.valid_on(datetime.date(2025, 12, 31))) == {opd, other_opd}
    assert set(Opd.objects.valid_on(effective)) == {new}


def test_merge_is_refused_to_non_superusers_and_changes_nothing(opd, opd_admin):
    with pytest.raises(PermissionDenied):
        merge_opds(
            predecessors=[opd],
            name="X",
            short_name="X",
            kind="dinas",
            effective=datetime.date(2026, 1, 1),
            by=opd_admin,
        )
    assert Opd.objects.count() == 1


def test_merge_of_an_opd_that_already_ended_is_refused(opd, superuser):
    opd.valid_to = datetime.date(2020, 1, 1)
    opd.save()
    with pytest.raises(ValidationError) as excinfo:
        merge_opds(
            predecessors=[opd],
            name="Dinas Baru",
            short_name="DINBARU",
            kind="dinas",
            effective=datetime.date(2026, 1, 1),
            by=superuser,
        )
    assert "predecessors" in excinfo.value.message_dict
    assert not Opd.objects.filter(slug="dinbaru").exists()


def test_reimport_keeps_the_website_an_opd_admin_set(opd_admin):
    import_opds(rows=ROWS)
    kec = Opd.objects.get(slug="kec-purbalingga")
    kec.website = "https://kecamatanpurbalingga.purbalinggakab.go.id"
    kec.save()
    import_opds(rows=[dict(ROWS[0], website="https://lama.example.go.id"), ROWS[1]])
    kec.refresh_from_db()
    assert kec.website == "https://kecamatanpurbalingga.purbalinggakab.go.id"


def test_a_kecamatan_with_kelurahan_cannot_change_kind():
    import_opds(rows=ROWS)
    with pytest.raises(ValidationError) as excinfo:
        import_opds(rows=[dict(ROWS[0], kind="dinas")])
    assert "kind" in " ".join(excinfo.value.messages)
    assert Opd.objects.get(slug="kec-purbalingga").kind == "kecamatan"


def test_profile_update_works_even_when_the_structure_is_inconsistent(superuser):
    import_opds(rows=ROWS)
    # A superuser's raw fix-up can leave a kelurahan under a non-kecamatan.
    Opd.objects.filter(slug="kec-purbalingga").update(kind="dinas")
    kelurahan = Opd.objects.get(slug="kel-bojong")
    update_opd_profile(opd=kelurahan, by=superuser, data={"phone": "(0281) 1"})
    kelurahan.refresh_from_db()
    assert kelurahan.phone == "(0281) 1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xef\xbb\xbfshort_name,name,kind\nDINKES,Dinas Kesehatan,dinas\n", None),
        (b"short_name,name\nDINKES,Dinas Kesehatan\n", "kind"),
        (
            "short_name,name,kind\nDINKES,Dinas Kesehatan,dinas\n".encode("utf-16"),
            "UTF-8",
        ),
    ],
)
def test_import_command_reads_spreadsheet_csv_or_says_why_not(
    tmp_path, capsys, content, message
):
    from django.core.management import CommandError, call_command

    path = tmp_path / "opd.csv"
    path.write_bytes(content)
    if message is None:
        call_command("import_opds", str(path))
        assert Opd.objects.get(slug="dinkes").name == "Dinas Kesehatan"
    else:
        with pytest.raises(CommandError, match=message):
            call_command("import_opds", str(path))
        assert not Opd.objects.exists()
