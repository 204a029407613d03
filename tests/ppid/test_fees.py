"""Fees (UU 14/2008 Pasal 22(7)g): an OPD's tariff, the cost and how to
pay in the written notice and on the tracking page, the payment and the
handover recorded by staff, and the year's figures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ppid.requests import fees
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, RequestEvent, Tariff
from ppid.requests.selectors import fee_figures
from tests.factories import UserFactory
from tests.ppid.test_requests import request_data

pytestmark = pytest.mark.django_db
D = datetime.date
PAY = "Tunai di loket PPID Dinkes atau transfer ke rekening Kas Daerah 1-234-56789"


@pytest.fixture
def on(on):
    on(D(2026, 3, 16))
    return on


@pytest.fixture
def tariff(opd):
    return Tariff.objects.create(
        opd=opd,
        copy_per_page=500,
        media_per_item=15_000,
        postage=10_000,
        payment_methods=PAY,
    )


def tracked(client, **overrides):
    """A request, and its requester's browser holding the tracking proof;
    returns the request and its tracking code."""
    found, code = rs.submit_request(data=request_data(**overrides))
    response = client.post(
        reverse("ppid:request-track"),
        {"registration_number": found.registration_number, "tracking_code": code},
    )
    assert response.status_code == 302
    return found, code


def web_request(client, **overrides):
    return tracked(client, **overrides)[0]


def answer(by, info_request, **kwargs):
    kwargs.setdefault("decision", "granted_full")
    kwargs.setdefault("letter", "Informasi yang Saudara minta kami berikan.")
    return rs.answer_request(info_request=info_request, by=by, **kwargs)


def status_page(client, info_request):
    url = reverse("ppid:request-status", args=[info_request.url_key])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Money ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(0, "Rp 0"), (500, "Rp 500"), (1500, "Rp 1.500"), (1_250_000, "Rp 1.250.000")],
)
def test_rupiah_is_written_the_indonesian_way(amount, shown):
    assert fees.format_rupiah(amount) == shown


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1500", 1500), ("1.500", 1500), ("Rp 1.500", 1500), ("Rp1.500,-", 1500)],
)
def test_rupiah_is_read_as_people_type_it(typed, amount):
    assert fees.parse_rupiah(typed) == amount


@pytest.mark.parametrize("typed", ["1,5", "-500", "seribu", "1.50", "", "1500.5"])
def test_anything_but_whole_rupiah_is_refused(typed):
    with pytest.raises(ValueError):
        fees.parse_rupiah(typed)


# --- The written notice and the tracking page ----------------------------------------


def test_cost_and_payment_method_in_the_written_notice_and_tracking_page(
    client, on, opd, opd_admin, tariff
):
    found, code = tracked(
        client, opd=opd, copy_format="hardcopy", delivery_method="pos"
    )
    answer(opd_admin, found, copy_pages=12, held_form="hardcopy")
    found.refresh_from_db()
    # 12 pages at Rp 500 and one delivery by post at Rp 10.000.
    assert found.cost == 16_000 and found.has_cost
    assert fees.request_has_cost(found)
    assert "Biaya: Rp 16.000" in found.answer_letter
    assert "12 halaman × Rp 500 = Rp 6.000" in found.answer_letter
    assert "pos atau kurir Rp 10.000" in found.answer_letter
    assert PAY in found.answer_letter
    page = status_page(client, found)
    assert "Rp 16.000" in page and PAY in page and "Belum dibayar" in page
    # The requester reads the same over the API with the tracking code.
    api = client.get(
        "/api/v1/requests/{}/".format(found.url_key), HTTP_X_TRACKING_CODE=code
    ).json()
    assert (api["cost"], api["payment_method"], api["paid_at"]) == (16_000, PAY, None)
    assert "Rp 16.000" in api["answer_letter"]


def test_the_cost_is_fixed_when_the_notice_is_sent(client, on, opd, opd_admin, tariff):
    found = web_request(client, opd=opd, copy_format="hardcopy")
    answer(opd_admin, found, copy_pages=4, media_items=1)
    tariff.copy_per_page = 2000
    tariff.save()
    found.refresh_from_db()
    assert found.cost == 4 * 500 + 15_000
    assert "Rp 17.000" in status_page(client, found)


@pytest.mark.parametrize("zero_tariff", [True, False])
def test_a_zero_tariff_or_none_makes_the_notice_say_free(
    client, on, opd, opd_admin, zero_tariff
):
    if zero_tariff:
        Tariff.objects.create(opd=opd, payment_methods="")
    found = web_request(client, opd=opd, delivery_method="pos", copy_format="hardcopy")
    answer(opd_admin, found, copy_pages=30)
    found.refresh_from_db()
    assert found.cost == 0 and not found.has_cost
    assert "Biaya: gratis" in found.answer_letter
    page = status_page(client, found)
    assert "Gratis" in page and "Rp " not in page


def test_a_refusal_states_no_cost_and_cannot_charge(client, on, opd, opd_admin, tariff):
    found = web_request(client, opd=opd)
    with pytest.raises(ValidationError) as refused:
        answer(opd_admin, found, decision="not_documented", copy_pages=3)
    assert "copy_pages" in refused.value.message_dict
    found.refresh_from_db()
    assert found.status == "submitted" and not found.answer_letter
    answer(opd_admin, found, decision="not_documented")
    found.refresh_from_db()
    assert found.cost == 0 and "Biaya" not in found.answer_letter
    assert "Biaya dan pembayaran" not in status_page(client, found)


def test_viewing_in_person_is_never_charged_for_copies(
    client, on, opd, opd_admin, tariff
):
    found = web_request(client, opd=opd, access_method="melihat", copy_format="")
    with pytest.raises(ValidationError) as refused:
        answer(opd_admin, found, media_items=1)
    assert "media_items" in refused.value.message_dict


def test_staff_answer_form_shows_the_tariff_and_names_bad_quantities(
    client, on, opd, opd_admin, tariff
):
    found = web_request(client, opd=opd, copy_format="hardcopy")
    client.force_login(opd_admin)
    detail = client.get(found.get_absolute_url()).content.decode()
    assert "penyalinan Rp 500 per halaman" in detail
    url = reverse("ppid:request-action", args=[found.url_key, "answer"])
    bad = client.post(
        url, {"decision": "granted_full", "letter": "Terlampir.", "copy_pages": "-2"}
    )
    assert bad.status_code == 400
    assert list(bad.context["answer_form"].errors) == ["copy_pages"]
    assert "Pastikan nilai ini lebih besar dari atau sama dengan 0" in (
        bad.content.decode()
    )
    assert InformationRequest.objects.get(pk=found.pk).status == "submitted"
    done = client.post(
        url,
        {
            "decision": "granted_full",
            "letter": "Terlampir.",
            "copy_pages": "10",
            "held_form": "both",
        },
    )
    assert done.status_code == 302
    found.refresh_from_db()
    assert (found.cost, found.held_form) == (5000, "both")


# --- Payment and handover -----------------------------------------------------------


def test_payment_recorded_by_staff_shows_on_the_timeline(
    client, on, opd, opd_admin, other_opd_admin, tariff
):
    found = web_request(client, opd=opd, copy_format="hardcopy")
    answer(opd_admin, found, copy_pages=10)
    staff = client.__class__()
    pay_url = reverse("ppid:request-action", args=[found.url_key, "pay"])
    handover_url = reverse("ppid:request-action", args=[found.url_key, "handover"])
    staff.force_login(other_opd_admin)
    assert staff.post(pay_url, {"paid_on": "2026-03-16"}).status_code == 404
    staff.force_login(opd_admin)
    # Copies are handed over once paid.
    early = staff.post(handover_url, {"delivered_on": "2026-03-16"})
    assert early.status_code == 400
    assert "Biaya Rp 5.000 belum dibayar" in early.content.decode()
    found.refresh_from_db()
    assert found.delivered_on is None
    future = staff.post(pay_url, {"paid_on": "2026-03-17", "reference": "KW-7"})
    assert future.status_code == 400
    assert "Tanggal tidak boleh di masa depan" in future.content.decode()
    before = staff.post(pay_url, {"paid_on": "2026-03-13"})
    assert before.status_code == 400
    assert "sebelum pemberitahuan tertulis" in before.content.decode()
    assert (
        staff.post(pay_url, {"paid_on": "2026-03-16", "reference": "KW-7"}).status_code
        == 302
    )
    found.refresh_from_db()
    assert (found.paid_on, found.payment_reference) == (D(2026, 3, 16), "KW-7")
    event = found.events.get(action=RequestEvent.Action.PAID)
    assert event.actor == opd_admin and event.is_public and "Rp 5.000" in event.note
    page = status_page(client, found)
    assert "Pembayaran dicatat" in page and "Dibayar pada 16 Maret 2026" in page
    # Paid once.
    with pytest.raises(ValidationError):
        rs.record_payment(info_request=found, by=opd_admin)
    assert staff.post(handover_url, {"delivered_on": "2026-03-16"}).status_code == 302
    found.refresh_from_db()
    assert found.delivered_on == D(2026, 3, 16)
    assert "Informasi diserahkan" in status_page(client, found)


def test_nothing_to_pay_on_a_free_answer(on, opd, opd_admin):
    found = rs.submit_request(data=request_data(opd=opd))[0]
    answer(opd_admin, found)
    with pytest.raises(ValidationError) as refused:
        rs.record_payment(info_request=found, by=opd_admin)
    assert "tidak ada yang perlu dibayar" in str(refused.value)
    rs.record_handover(info_request=found, by=opd_admin)
    assert found.events.filter(action=RequestEvent.Action.DELIVERED).exists()


def test_a_refused_request_is_not_handed_over(on, opd, opd_admin):
    found = rs.submit_request(data=request_data(opd=opd))[0]
    answer(opd_admin, found, decision="not_controlled", referred_body="BPS")
    with pytest.raises(ValidationError):
        rs.record_handover(info_request=found, by=opd_admin)


def test_payment_and_handover_over_the_api(api_client, on, opd, opd_admin, tariff):
    found = rs.submit_request(data=request_data(opd=opd, copy_format="hardcopy"))[0]
    answer(opd_admin, found, copy_pages=2)
    api_client.force_authenticate(opd_admin)
    url = "/api/v1/requests/{}/".format(found.url_key)
    paid = api_client.post(url + "pay/", {"reference": "KW-9"}, format="json")
    assert paid.status_code == 200, paid.content
    assert (paid.json()["cost"], paid.json()["paid_at"]) == (1000, "2026-03-16")
    given = api_client.post(url + "handover/", {}, format="json")
    assert given.json()["delivered_at"] == "2026-03-16"


# --- The tariff -----------------------------------------------------------------------


def test_opd_admin_sets_the_tariff_on_a_staff_page(client, on, opd, opd_admin):
    client.force_login(opd_admin)
    listing = client.get(reverse("ppid:tariffs")).content.decode()
    assert opd.name in listing and "Gratis" in listing
    url = reverse("ppid:tariff-edit", args=[opd.slug])
    saved = client.post(
        url,
        {
            "copy_per_page": "Rp 1.000",
            "media_per_item": "0",
            "postage": "12.500",
            "payment_methods": PAY,
        },
    )
    assert saved.status_code == 302
    tariff = Tariff.objects.get(opd=opd)
    assert (tariff.copy_per_page, tariff.postage, tariff.updated_by) == (
        1000,
        12_500,
        opd_admin,
    )
    assert "Rp 12.500" in client.get(reverse("ppid:tariffs")).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("copy_per_page", "1,5", "Isi jumlah dalam rupiah bulat"),
        ("media_per_item", "-1", "Isi jumlah dalam rupiah bulat"),
        ("postage", "10.000.000", "periksa jumlah angka nolnya"),
        ("payment_methods", "", "Sebutkan cara pemohon membayar"),
    ],
)
def test_bad_tariff_input_is_refused_naming_the_field(
    client, opd, opd_admin, field, value, message
):
    Tariff.objects.create(opd=opd, copy_per_page=300, payment_methods=PAY)
    client.force_login(opd_admin)
    data = {
        "copy_per_page": "500",
        "media_per_item": "0",
        "postage": "0",
        "payment_methods": PAY,
        field: value,
    }
    response = client.post(reverse("ppid:tariff-edit", args=[opd.slug]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    assert message in response.content.decode()
    assert Tariff.objects.get(opd=opd).copy_per_page == 300


def test_who_may_set_a_tariff(client, opd, opd_admin, other_opd_admin, ppid_utama):
    url = reverse("ppid:tariff-edit", args=[opd.slug])
    data = {"copy_per_page": "500", "media_per_item": "0", "postage": "0"}
    data["payment_methods"] = PAY
    client.force_login(other_opd_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(UserFactory(username="tim-dinkominfo", role="dinkominfo"))
    assert client.post(url, data).status_code == 403
    assert not Tariff.objects.exists()
    client.force_login(ppid_utama)
    assert client.post(url, data).status_code == 302
    assert Tariff.objects.get(opd=opd).copy_per_page == 500


def test_the_service_refuses_a_bad_tariff_whatever_the_caller(opd, opd_admin):
    with pytest.raises(ValidationError) as refused:
        rs.set_tariff(
            opd=opd, by=opd_admin, data={"copy_per_page": "abc", "postage": 5000}
        )
    assert set(refused.value.message_dict) == {"copy_per_page", "payment_methods"}
    assert not Tariff.objects.exists()


# --- The year's figures ----------------------------------------------------------------


def test_fee_figures_count_charged_and_paid(on, opd, other_opd, opd_admin, tariff):
    charged = []
    for pages in (4, 6):
        found = rs.submit_request(data=request_data(opd=opd, copy_format="hardcopy"))[0]
        charged.append(answer(opd_admin, found, copy_pages=pages))
    free = rs.submit_request(data=request_data(opd=other_opd))[0]
    rs.answer_request(
        info_request=free,
        by=UserFactory(username="admin-lain", role="opd_admin", opd=other_opd),
        decision="granted_full",
        letter="Terlampir.",
    )
    rs.record_payment(info_request=charged[0], by=opd_admin)
    assert fee_figures(2026) == {
        "charged": 5000,
        "paid": 2000,
        "count": 2,
        "paid_count": 1,
    }
    assert fee_figures(2026, other_opd)["count"] == 0
    assert fee_figures(2025)["charged"] == 0


def test_the_yearly_report_counts_the_fees(on, opd, opd_admin, tariff):
    """UU Pasal 22(7)g fees in the requests' part of the Pasal 56 report."""
    from ppid.requests.exports import yearly_report
    from ppid.requests.selectors import request_statistics
    from tests.ppid.test_yearly_report import _xlsx_lines

    found = rs.submit_request(data=request_data(opd=opd, copy_format="hardcopy"))[0]
    charged = answer(opd_admin, found, copy_pages=4)
    rs.record_payment(info_request=charged, by=opd_admin)
    content, _ = yearly_report(request_statistics(2026), "xlsx")
    lines, _ = _xlsx_lines(content)
    assert lines["Permohonan yang dikenai biaya"] == 1
    assert lines["Biaya yang dikenakan"] == fees.format_rupiah(charged.cost)
    assert lines["Biaya yang dibayar"] == fees.format_rupiah(charged.cost)
