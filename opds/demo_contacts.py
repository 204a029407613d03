"""Office contacts for the demo OPDs: an address, a telephone line, an
e-mail address, the head and the PPID Pelaksana's contact, as an OPD admin
would enter them. The people are invented; the streets are Purbalingga's.

A few sub-districts are left without their PPID line, as some are in
practice: the evaluation's profile indicator then has something to find.
"""

from __future__ import annotations

from opds.models import Opd
from opds.services import opd_changed

MAIL_DOMAIN = "purbalinggakab.go.id"
POSTCODE = "53311"

# Offices whose address people know; the rest get one of the town's streets.
ADDRESSES = {
    "setda": "Jl. Alun-Alun Utara No. 1, Purbalingga",
    "setwan": "Jl. Alun-Alun Utara No. 2, Purbalingga",
    "dinkes": "Jl. Jenderal Sudirman No. 76, Kelurahan Purbalingga Lor, Purbalingga",
    "rsud-goeteng": "Jl. Tentara Pelajar No. 22, Purbalingga",
    "dinkominfo": "Jl. Jenderal Sudirman No. 3, Purbalingga",
    "bkppd": "Jl. Letjen S. Parman No. 10, Purbalingga",
}
STREETS = [
    "Jl. Jenderal Sudirman",
    "Jl. Letjen S. Parman",
    "Jl. Mayjend Sungkono",
    "Jl. Ahmad Yani",
    "Jl. Kolonel Sugiri",
    "Jl. Mayjend Panjaitan",
    "Jl. Bob Sainan",
    "Jl. Raya Kalimanah",
]
HEADS = [
    "Drs. Sugeng Riyanto, M.Si.",
    "Ir. Wahyu Setiawan, M.T.",
    "Hari Santoso, S.STP., M.Si.",
    "Endang Kusumawati, S.E., M.M.",
    "Agus Triyono, S.H., M.H.",
    "Sri Purwanti, S.Sos., M.Si.",
    "Bambang Hermawan, S.Pd., M.Pd.",
    "Tri Wahyuningsih, S.T., M.Eng.",
    "Budi Raharjo, S.IP., M.Si.",
    "Yulia Rahmawati, S.E., M.Ak.",
]
DOCTORS = ["dr. Retno Widyastuti, M.Kes.", "dr. Anton Prasetyo, Sp.PD., M.M.R."]
PPID_OFFICERS = [
    "Dwi Ariyanti, S.Kom.",
    "Fajar Nugroho, A.Md.",
    "Nur Khasanah, S.I.Kom.",
    "Rizki Pratama, S.Kom.",
    "Siti Maemunah, S.AP.",
    "Yoga Permana, S.H.",
]
HEAD_TITLES = {
    "setda": "Sekretaris Daerah",
    "setwan": "Sekretaris DPRD",
}


def _head_title(opd: Opd) -> str:
    if opd.slug in HEAD_TITLES:
        return HEAD_TITLES[opd.slug]
    if opd.kind == Opd.Kind.INSPEKTORAT:
        return "Inspektur Daerah"
    if opd.kind == Opd.Kind.RSUD:
        return "Direktur {}".format(opd.name)
    if opd.kind == Opd.Kind.KECAMATAN:
        return "Camat {}".format(opd.name.removeprefix("Kecamatan "))
    if opd.kind == Opd.Kind.KELURAHAN:
        return "Lurah {}".format(opd.name.removeprefix("Kelurahan "))
    return "Kepala {}".format(opd.name)


def _address(opd: Opd, index: int) -> str:
    if opd.slug in ADDRESSES:
        return "{} {}".format(ADDRESSES[opd.slug], POSTCODE)
    if opd.kind == Opd.Kind.KECAMATAN:
        place = opd.name.removeprefix("Kecamatan ")
        return "Jl. Raya {place} No. {n}, Kecamatan {place}, Purbalingga".format(
            place=place, n=1 + index % 40
        )
    street = STREETS[index % len(STREETS)]
    return "{} No. {}, Purbalingga {}".format(street, 5 + index * 3 % 90, POSTCODE)


def contacts_for(opd: Opd, index: int) -> dict[str, str]:
    """The demo's contact fields of ``opd``, the ``index``-th in slug order."""
    local = opd.slug.replace("-", "")
    health = opd.slug == "dinkes" or opd.kind == Opd.Kind.RSUD
    head = (DOCTORS if health else HEADS)[index % (2 if health else len(HEADS))]
    line = "(0281) {}".format(891_000 + index * 37 % 1000 + 100 * (index % 9))
    fields = {
        "email": "{}@{}".format(local, MAIL_DOMAIN),
        "phone": line,
        "address": _address(opd, index),
        "head_name": head,
        "head_title": _head_title(opd),
        "ppid_contact_name": PPID_OFFICERS[index % len(PPID_OFFICERS)],
        "ppid_contact_email": "ppid.{}@{}".format(local, MAIL_DOMAIN),
        "ppid_contact_phone": "{} ext. 2{:02d}".format(line, index % 100),
    }
    if opd.kind == Opd.Kind.KECAMATAN and index % 4 == 1:
        # Not entered yet, as in some real sub-district offices.
        fields["ppid_contact_email"] = fields["ppid_contact_phone"] = ""
    return fields


def fill_contacts() -> int:
    """Fill the empty contact fields of every OPD; what an admin entered stays.
    Returns how many OPDs changed."""
    changed = 0
    for index, opd in enumerate(Opd.objects.order_by("slug")):
        updates = {
            name: value
            for name, value in contacts_for(opd, index).items()
            if value and not getattr(opd, name)
        }
        if updates:
            Opd.objects.filter(pk=opd.pk).update(**updates)
            opd_changed(opd, registry=False)
            changed += 1
    return changed
