"""The aspiration inbox's responsiveness as an item of the 2026 framework
(issue 19 point 8): the share of the OPD's follow-ups made within SP4N-
LAPOR!'s 5 working days and of its first responses within the 1 × 24 jam of
the Matur Mas Bupati SOP (evaluations/rules.py ``aspiration_responsiveness``).

It joins "Pelayanan informasi", which judges how an OPD answers what the
public asks. Item weights are relative within their indicator
(``services.total`` divides by the weights of the items that apply), so the
existing items keep their weights (50, 30, 20) and the Monev's indicator
weights, which sum to 100, are untouched; a month with no aspiration case
falling due scores exactly as before, the item not applying. Rewriting the
existing weights instead would change the files of reports already final.

Frozen on purpose, like 0002: the values are written here.
"""

from decimal import Decimal as D

from django.db import migrations

ITEM = {
    "code": "responsivitas_aspirasi",
    "name": (
        "Responsivitas aspirasi: tindak lanjut dalam 5 hari kerja dan tanggapan "
        "awal dalam 1 × 24 jam"
    ),
    "weight": D("15"),
    "method": "automatic",
    "rule": "aspiration_responsiveness",
    "guidance": (
        "Tanggapi aspirasi warga di media sosial dan WhatsApp dalam 1 × 24 jam kerja "
        "dan catat tindak lanjutnya paling lambat 5 hari kerja setelah didisposisi."
    ),
    "action_url": "/dasbor/aspirasi/",
    "position": 3,
}


def load(apps, schema_editor):
    Indicator = apps.get_model("evaluations", "Indicator")
    Item = apps.get_model("evaluations", "Item")
    indicator = Indicator.objects.filter(
        framework__year=2026, code="pelayanan_informasi"
    ).first()
    if indicator is None:
        return
    defaults = {key: value for key, value in ITEM.items() if key != "code"}
    Item.objects.get_or_create(
        indicator=indicator, code=ITEM["code"], defaults=defaults
    )


def unload(apps, schema_editor):
    Item = apps.get_model("evaluations", "Item")
    ItemScore = apps.get_model("evaluations", "ItemScore")
    items = Item.objects.filter(indicator__framework__year=2026, code=ITEM["code"])
    # Reports scored with the item keep it: deleting its scores would change
    # published totals without a new version.
    if ItemScore.objects.filter(item__in=items).exists():
        raise RuntimeError(
            "Reports were scored with the item {}; reopen and rebuild them "
            "before removing it.".format(ITEM["code"])
        )
    items.delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0005_preview")]

    operations = [migrations.RunPython(load, unload)]
