"""The permission matrix: every subject against every kind of object and
every action on it, through the HTML pages and the API.

The table below is written from the domain (an OPD admin acts on its own
OPD only; PPID Utama publishes and handles every request; the Atasan PPID
answers objections; Dinkominfo evaluates every OPD; excluded information
is never public; a citizen sees a request only with its tracking code), not
derived from ``opds.permissions``. Each cell expects:

* the success status (and the change made) for a subject that may act;
* 403, and nothing changed, for one that may see the object but not act;
* 404, and nothing changed, for one that may not know the object exists;
* a redirect to the login page (HTML) or 401/403 before any lookup (API)
  for an anonymous visitor on a staff route.

One world holds an object of each kind, owned by OPD A. It is built once
for the module and every cell runs in its own savepoint, rolled back after
it, so a successful write never reaches the next cell.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from config import routes
from evaluations import services as evaluation_services
from evaluations.models import Contest, ItemScore, MonthlyReport, ReportRun
from opds.models import Opd
from ppid.catalogue import services as item_services
from ppid.catalogue.models import InformationItem
from ppid.reports.models import YearlyReport
from ppid.requests import services as rs
from ppid.requests.models import Dispute, InformationRequest, Objection, Tariff
from ppid.uploads import clean_upload
from socialposts.accounts.models import Post
from socialposts.imports.models import ImportJob
from socialposts.infographics import services as infographic_services
from socialposts.infographics.models import Infographic
from tests.config.test_routes import ALL as ALL_ROUTES
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    OpdFactory,
    PostFactory,
    SocialAccountFactory,
    UserFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

# --- Subjects -------------------------------------------------------------------------

# "requester" is an anonymous visitor holding a request's tracking code;
# "other_requester" holds the code of another request. They take part only
# where a request is the object.
ANONYMOUS = frozenset({"anonymous", "requester", "other_requester"})
STAFF = frozenset(
    {"admin_a", "admin_b", "ppid_utama", "dinkominfo", "atasan", "superuser"}
)
EVERYONE = ANONYMOUS | STAFF
# Every role whose scope takes in OPD A's internal data.
OF_A = STAFF - {"admin_b"}
# The roles whose scope is every OPD.
KABUPATEN = OF_A - {"admin_a"}
OWNER_A = frozenset({"admin_a", "superuser"})
PUBLISHERS = frozenset({"ppid_utama", "superuser"})
REVIEWERS = frozenset({"dinkominfo", "superuser"})
# Who handles a request routed to OPD A: its PPID Pelaksana and PPID Utama.
HANDLERS_A = frozenset({"admin_a", "ppid_utama", "superuser"})
REQUESTER = frozenset({"requester"})
NOBODY = frozenset()

# The day the evaluation services see as today, and the months of the world.
TODAY = datetime.date(2026, 12, 3)
DRAFT_MONTH = datetime.date(2026, 11, 1)
REPLY_MONTH = datetime.date(2026, 10, 1)
CONTEST_MONTH = datetime.date(2026, 9, 1)
CLOSING_MONTH = datetime.date(2026, 8, 1)
FINAL_MONTH = datetime.date(2026, 7, 1)
RUN_MONTH = datetime.date(2026, 6, 1)
DEADLINE = TODAY + datetime.timedelta(days=7)
PASSED = TODAY - datetime.timedelta(days=1)

LOGIN = "login"


@dataclasses.dataclass(frozen=True)
class Act:
    """One action on one kind of object and who may take it.

    ``sees``: who may know the object exists (the others get 404).
    ``may``: who may take the action (the others who see it get 403);
    None for reading, which everyone who sees it may do.
    ``ok``: the success status, or a status per subject (``"*"`` the rest).
    ``done``: for a write, whether it took effect; checked both ways.
    ``lists``/``marker``: for a list, who finds the object's marker in it.
    ``gate``: whether an anonymous visitor is turned away before any lookup;
    by default every route that is neither public nor the requester's, and
    every API write.
    """

    name: str
    route: str
    kwargs: Callable[[Any], dict] = lambda o: {}
    method: str = "get"
    data: Callable[[Any], Any] | None = None
    sees: frozenset = EVERYONE
    may: frozenset | None = None
    ok: int | dict = 200
    done: Callable[[Any], bool] | None = None
    query: str = ""
    lists: frozenset | None = None
    marker: Callable[[Any], str] | None = None
    gate: bool | None = None
    code_in_body: bool = False

    @property
    def api(self) -> bool:
        return self.route.startswith("api:")

    @property
    def gated(self) -> bool:
        if self.gate is not None:
            return self.gate
        kind = routes.access(self.route)
        if kind not in (routes.PUBLIC, routes.REQUESTER):
            return True
        return self.api and self.method != "get" and kind == routes.PUBLIC

    def success(self, subject: str) -> int:
        if isinstance(self.ok, dict):
            return self.ok.get(subject, self.ok["*"])
        return self.ok


@dataclasses.dataclass(frozen=True)
class Kind:
    """A kind of object: how one is built for OPD A, and its actions."""

    name: str
    build: Callable[[Any], SimpleNamespace]
    acts: tuple[Act, ...]
    subjects: frozenset = EVERYONE - {"requester", "other_requester"}


def expected(act: Act, subject: str) -> int | str:
    if subject in ANONYMOUS and act.gated:
        return LOGIN
    if subject not in act.sees:
        return 404
    if act.may is not None and subject not in act.may:
        return 403
    return act.success(subject)


# --- Builders ---------------------------------------------------------------------------


def _pdf(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def _attach(item: InformationItem, by: Any, *, redacted: bool = False) -> Any:
    upload = clean_upload(_pdf("berkas.pdf", "Isi {}".format(item.title)))
    item_services._store_files(item, [upload], by, [], redacted=redacted)
    return item.files.order_by("-pk").first()


def item_kind(w: Any, status: str, excluded: bool = False) -> SimpleNamespace:
    fields = {"opd": w.opd_a, "status": status}
    if status != "published":
        fields["published_at"] = None
    if excluded:
        decision = ExclusionDecisionFactory(
            **{"item__" + k: v for k, v in fields.items()}
        )
        decision.signed_sheet.save(
            "lembar.pdf", ContentFile(pdf_bytes("Lembar uji konsekuensi"))
        )
        item = decision.item
    else:
        item = InformationItemFactory(**fields)
    return SimpleNamespace(w=w, item=item, file=_attach(item, w.users["admin_a"]))


def partial_kind(w: Any) -> SimpleNamespace:
    decision = ExclusionDecisionFactory(
        item__opd=w.opd_a,
        scope="partial",
        redacted_summary="Nama pasien dihitamkan.",
    )
    admin = w.users["admin_a"]
    original = _attach(decision.item, admin)
    redacted = _attach(decision.item, admin, redacted=True)
    return SimpleNamespace(w=w, item=decision.item, file=original, redacted=redacted)


def _request_data(**overrides: Any) -> dict:
    # A legal entity: no NIK, so nothing here is personal data to guard.
    data = {
        "requester_type": "badan_hukum",
        "full_name": "Yayasan Matriks Terbuka",
        "legal_entity_decree_no": "AHU-0012345.AH.01.04.2020",
        "address": "Jl. Jenderal Sudirman 1, Purbalingga",
        "email": "yayasan@example.id",
        "requested_information": "Daftar penerima hibah 2025",
        "purpose": "Pengawasan anggaran",
        "access_method": "salinan",
        "copy_format": "softcopy",
        "delivery_method": "email",
    }
    data.update(overrides)
    return data


def request_kind(
    w: Any, stage: str = "submitted", opd: Opd | None = None
) -> SimpleNamespace:
    """A web request to OPD A, with its identity scan; answered, objected
    to and the objection answered, as far as ``stage``."""
    found, code = rs.submit_request(
        data=_request_data(opd=opd or w.opd_a),
        identity_scan=_pdf("akta.pdf", "Akta pendirian"),
    )
    o = SimpleNamespace(w=w, request=found, code=code, objection=None)
    o.identity = found.files.get()
    if stage == "submitted":
        return o
    rs.answer_request(
        info_request=found,
        by=w.users["admin_a"],
        decision="granted_full",
        letter="Terlampir.",
        files=[_pdf("jawaban.pdf", "Daftar penerima hibah")],
    )
    o.answer = found.files.get(kind="answer")
    if stage == "answered":
        return o
    o.objection = rs.file_objection(
        info_request=found, reason="d", description="Bukan yang diminta."
    )
    if stage == "objected":
        return o
    granted = stage == "objection granted"
    rs.answer_objection(
        objection=o.objection,
        by=w.users["atasan"],
        decision="overturned" if granted else "upheld",
        answer="Keberatan dikabulkan." if granted else "Jawaban PPID sudah sesuai.",
    )
    return o


def charged_kind(w: Any) -> SimpleNamespace:
    """A request to OPD A answered with a cost at OPD A's tariff, unpaid."""
    Tariff.objects.update_or_create(
        opd=w.opd_a, defaults={"copy_per_page": 500, "payment_methods": "Tunai"}
    )
    found, code = rs.submit_request(
        data=_request_data(opd=w.opd_a, copy_format="hardcopy")
    )
    rs.answer_request(
        info_request=found,
        by=w.users["admin_a"],
        decision="granted_full",
        letter="Terlampir.",
        copy_pages=10,
    )
    return SimpleNamespace(w=w, request=found, code=code, objection=None)


def periodic_objection_kind(w: Any) -> SimpleNamespace:
    """An objection on ground b against OPD A: no request, its own code."""
    objection = rs.file_objection(
        reason="b",
        opd=w.opd_a,
        description="Laporan keuangan Dinas Matriks Alfa belum diumumkan.",
        objector={
            "full_name": "Forum Matriks",
            "address": "Jl. Jenderal Sudirman 2, Purbalingga",
            "email": "forum@example.id",
        },
    )
    # The tracking form takes the objection's number like a request's.
    return SimpleNamespace(
        w=w,
        objection=objection,
        code=objection.tracking_code,
        request=SimpleNamespace(registration_number=objection.objection_number),
    )


def account_kind(w: Any) -> SimpleNamespace:
    account = SocialAccountFactory(
        opd=w.opd_a, platform="facebook", connection="manual", handle="dinas_matriks_a"
    )
    return SimpleNamespace(w=w, account=account)


def post_kind(w: Any) -> SimpleNamespace:
    post = PostFactory(
        account__opd=w.opd_a, permalink="https://www.instagram.com/p/MatriksA/"
    )
    return SimpleNamespace(w=w, post=post)


def job_kind(w: Any) -> SimpleNamespace:
    account = SocialAccountFactory(opd=w.opd_a, connection="manual")
    job = ImportJob.objects.create(
        account=account,
        uploaded_by=w.users["admin_a"],
        original_name="ekspor.csv",
        as_of=datetime.date(2026, 3, 16),
        rows_total=500,
        task_id="matriks",
    )
    return SimpleNamespace(w=w, job=job)


def _flow(title: str) -> dict:
    return {
        "title": title,
        "opd_name": "Dinas Matriks Alfa",
        "steps": [
            {"title": "Datang ke loket", "text": "Bawa KTP-el."},
            {"title": "Terima layanan", "text": "Selesai hari itu juga."},
        ],
        "url": "https://ppid.purbalinggakab.go.id/",
    }


def infographic_kind(w: Any) -> SimpleNamespace:
    """OPD A's image, a post to link it to and a draft to make a card of."""
    infographic = infographic_services.make_infographic(
        user=w.users["admin_a"],
        draft=infographic_services.Draft(
            w.opd_a, "service_flow", "square", _flow("Alur Matriks Alfa")
        ),
    )
    post = PostFactory(
        account__opd=w.opd_a, permalink="https://www.instagram.com/p/MatriksInfo/"
    )
    item = InformationItemFactory(opd=w.opd_a, status="draft", published_at=None)
    return SimpleNamespace(w=w, infographic=infographic, post=post, item=item)


def month_kind(w: Any, month: datetime.date, stage: str) -> SimpleNamespace:
    """A month built for every OPD, taken as far as ``stage``."""
    report = evaluation_services.build_report(month)
    reviewer = w.users["dinkominfo"]
    o = SimpleNamespace(w=w, report=report, month=month, contest=None)
    o.manual = ItemScore.objects.get(
        opd_score__report=report, opd_score__opd=w.opd_a, item__code="sk_ppid"
    )
    if stage == "draft":
        return o
    evaluation_services.open_for_reply(report, by=reviewer, deadline=DEADLINE)
    if stage == "contest":
        o.contest = evaluation_services.contest(
            o.manual, by=w.users["admin_a"], argument="SK PPID sudah terbit."
        )
    if stage in ("closing", "final"):
        MonthlyReport.objects.filter(pk=report.pk).update(reply_deadline=PASSED)
    if stage == "final":
        evaluation_services.finalise(report, by=reviewer, announce=False)
    return o


def run_kind(w: Any) -> SimpleNamespace:
    return SimpleNamespace(
        w=w, run=ReportRun.objects.create(month=RUN_MONTH, trigger="manual")
    )


def nothing(w: Any) -> SimpleNamespace:
    return SimpleNamespace(w=w)


# --- Done checks --------------------------------------------------------------------------


def _item(o: Any) -> InformationItem | None:
    return InformationItem.objects.filter(pk=o.item.pk).first()


def _item_became(field: str, value: str) -> Callable[[Any], bool]:
    """The item's ``field`` is now ``value`` and was not before."""

    def became(o: Any) -> bool:
        return getattr(_item(o), field) == value != getattr(o.item, field)

    return became


def _request(o: Any) -> InformationRequest:
    return InformationRequest.objects.get(pk=o.request.pk)


def _status_is(value: str) -> Callable[[Any], bool]:
    return lambda o: _request(o).status == value


def _report_status(o: Any) -> str:
    return MonthlyReport.objects.get(pk=o.report.pk).status


# --- PPID items ---------------------------------------------------------------------------


def _item_pk(o: Any) -> dict:
    return {"pk": o.item.pk}


def item_acts(
    sees: frozenset,
    may: dict[str, frozenset],
    excluded: bool = False,
    in_dik: bool = False,
) -> tuple[Act, ...]:
    """The same actions on every kind of item; ``may`` says who may take
    each (nobody where it is left out). An excluded item has its signed
    sheet and, once published (``in_dik``), its entry in the DIK."""

    def rule(action: str) -> frozenset:
        return may.get(action, NOBODY)

    def title_changed(o: Any) -> bool:
        return _item(o).title == "Judul baru matriks"

    acts = [
        Act("detail", "ppid:item-detail", _item_pk, sees=sees),
        Act(
            "file",
            "ppid:file-download",
            lambda o: {"pk": o.item.pk, "file_id": o.file.pk},
            sees=sees,
        ),
        Act(
            "staff-list",
            "ppid:staff-items",
            sees=STAFF,
            lists=OF_A,
            marker=lambda o: o.item.title,
        ),
        Act(
            "api-list",
            "api:information-list",
            sees=EVERYONE,
            lists=sees,
            marker=lambda o: o.item.title,
        ),
        Act("edit-page", "ppid:item-edit", _item_pk, sees=sees, may=rule("edit")),
        Act(
            "submit",
            "ppid:item-submit",
            _item_pk,
            method="post",
            sees=sees,
            may=rule("submit"),
            ok=302,
            done=_item_became("status", "submitted"),
        ),
        Act(
            "publish",
            "ppid:item-publish",
            _item_pk,
            method="post",
            sees=sees,
            may=rule("publish"),
            ok=302,
            done=_item_became("status", "published"),
        ),
        Act(
            "return",
            "ppid:item-return",
            _item_pk,
            method="post",
            data=lambda o: {"note": "Lengkapi ringkasan."},
            sees=sees,
            may=rule("return"),
            ok=302,
            done=_item_became("status", "draft"),
        ),
        Act(
            "withdraw",
            "ppid:item-withdraw",
            _item_pk,
            method="post",
            data=lambda o: {"note": "Salah unggah."},
            sees=sees,
            may=rule("withdraw"),
            ok=302,
            done=_item_became("status", "withdrawn"),
        ),
        Act(
            "open",
            "ppid:item-open",
            _item_pk,
            method="post",
            data=lambda o: {"category": "setiap_saat", "note": "Masa berlaku habis."},
            sees=sees,
            may=rule("open"),
            ok=302,
            done=_item_became("category", "setiap_saat"),
        ),
        Act(
            "delete",
            "ppid:item-delete",
            _item_pk,
            method="post",
            sees=sees,
            may=rule("delete"),
            ok=302,
            done=lambda o: _item(o) is None,
        ),
        Act("api-detail", "api:information-detail", _item_pk, sees=sees),
        Act(
            "api-patch",
            "api:information-detail",
            _item_pk,
            method="patch",
            data=lambda o: {"title": "Judul baru matriks"},
            sees=sees,
            may=rule("edit"),
            done=title_changed,
        ),
        # Who may not act is refused before the input is read.
        Act(
            "api-patch-invalid",
            "api:information-detail",
            _item_pk,
            method="patch",
            data=lambda o: {"title": ""},
            sees=sees,
            may=rule("edit"),
            ok=400,
        ),
        Act(
            "api-delete",
            "api:information-detail",
            _item_pk,
            method="delete",
            sees=sees,
            may=rule("delete"),
            ok=204,
            done=lambda o: _item(o) is None,
        ),
        Act(
            "api-submit",
            "api:information-submit",
            _item_pk,
            method="post",
            sees=sees,
            may=rule("submit"),
            done=_item_became("status", "submitted"),
        ),
        Act(
            "api-publish",
            "api:information-publish",
            _item_pk,
            method="post",
            sees=sees,
            may=rule("publish"),
            done=_item_became("status", "published"),
        ),
    ]
    if excluded:
        acts += [
            # The signed consequence test is the OPD's internal record.
            Act("signed-sheet", "ppid:signed-sheet", _item_pk, sees=OF_A),
            # The DIK register lists decisions of published items only.
            Act(
                "dik-entry",
                "api:exclusion-detail",
                lambda o: {"pk": o.item.exclusion.pk},
                sees=EVERYONE if in_dik else NOBODY,
            ),
        ]
    return tuple(acts)


ITEM_KINDS = (
    Kind(
        "published-item",
        lambda w: item_kind(w, "published"),
        # The OPD keeps its published information current; PPID Utama may
        # correct it and withdraw it.
        item_acts(EVERYONE, {"edit": OWNER_A | PUBLISHERS, "withdraw": PUBLISHERS}),
    ),
    Kind(
        "draft-item",
        lambda w: item_kind(w, "draft"),
        item_acts(OF_A, {"edit": OWNER_A, "delete": OWNER_A, "submit": OWNER_A}),
    ),
    Kind(
        "submitted-item",
        lambda w: item_kind(w, "submitted"),
        # Under review nobody edits it; PPID Utama publishes or returns it.
        item_acts(OF_A, {"publish": PUBLISHERS, "return": PUBLISHERS}),
    ),
    Kind(
        "excluded-item",
        lambda w: item_kind(w, "published", excluded=True),
        # Never public as an item; only PPID Utama changes or ends an
        # exclusion in force.
        item_acts(
            OF_A,
            {"edit": PUBLISHERS, "withdraw": PUBLISHERS, "open": PUBLISHERS},
            excluded=True,
            in_dik=True,
        ),
    ),
    Kind(
        "excluded-draft",
        lambda w: item_kind(w, "draft", excluded=True),
        # An exclusion not yet decided is the OPD's draft; there is nothing
        # in force to open.
        item_acts(
            OF_A,
            {"edit": OWNER_A, "delete": OWNER_A, "submit": OWNER_A},
            excluded=True,
        ),
    ),
    Kind(
        "partly-excluded-item",
        partial_kind,
        (
            Act("detail", "ppid:item-detail", _item_pk, sees=OF_A),
            Act(
                "file",
                "ppid:file-download",
                lambda o: {"pk": o.item.pk, "file_id": o.file.pk},
                sees=OF_A,
            ),
            # The blacked-out version is what the public reads in the DIK.
            Act(
                "redacted-file",
                "ppid:file-download",
                lambda o: {"pk": o.item.pk, "file_id": o.redacted.pk},
                sees=EVERYONE,
            ),
            Act(
                "dik-entry",
                "api:exclusion-detail",
                lambda o: {"pk": o.item.exclusion.pk},
                sees=EVERYONE,
            ),
        ),
    ),
)

# --- Information requests and objections -------------------------------------------------


def _number(o: Any) -> dict:
    return {"number": o.request.url_key}


def _step(step: str) -> Callable[[Any], dict]:
    return lambda o: {"number": o.request.url_key, "step": step}


def request_acts() -> tuple[Act, ...]:
    """A web request to OPD A, not yet registered."""
    staff_steps = [
        ("register", {}, HANDLERS_A, _status_is("registered")),
        ("complete", {}, HANDLERS_A, _status_is("in_process")),
        (
            "incomplete",
            {"reason": "Akta tidak terbaca."},
            HANDLERS_A,
            _status_is("incomplete"),
        ),
        (
            "extend",
            {"reason": "Data di beberapa bidang."},
            HANDLERS_A,
            lambda o: _request(o).extended_on is not None,
        ),
        (
            "answer",
            {"decision": "not_documented", "letter": "Belum didokumentasikan."},
            HANDLERS_A,
            _status_is("answered"),
        ),
    ]
    acts = [
        Act("staff-detail", "ppid:request-staff-detail", _number, sees=OF_A),
        Act(
            "register-page",
            "ppid:request-register",
            sees=STAFF,
            lists=OF_A,
            marker=lambda o: o.request.registration_number,
        ),
        Act(
            "register-export",
            "ppid:request-register-export",
            lambda o: {"fmt": "csv"},
            sees=STAFF,
            lists=OF_A,
            marker=lambda o: o.request.registration_number,
        ),
        Act(
            "api-list",
            "api:request-list",
            sees=STAFF,
            lists=OF_A,
            marker=lambda o: o.request.registration_number,
            # Filing is public; the register is staff's.
            gate=True,
        ),
        # The identity scan is for whoever handles the request: once routed,
        # the OPD's PPID Pelaksana alone (UU 27/2022, need to know).
        Act(
            "identity-scan",
            "ppid:request-file",
            lambda o: {"number": o.request.url_key, "file_id": o.identity.pk},
            sees=frozenset({"admin_a"}),
        ),
        # The requester's own page, found with the tracking code; without
        # it, anyone gets the tracking form and nothing of the request.
        Act(
            "status-page",
            "ppid:request-status",
            _number,
            lists=REQUESTER,
            marker=lambda o: o.request.requested_information,
        ),
        Act("receipt", "ppid:request-receipt", _number, sees=REQUESTER),
        Act("api-detail", "api:request-detail", _number, sees=OF_A | REQUESTER),
        # Routing is PPID Utama's.
        Act(
            "route",
            "ppid:request-action",
            _step("route"),
            method="post",
            data=lambda o: {"opd": o.w.opd_b.pk},
            sees=OF_A,
            may=PUBLISHERS,
            ok=302,
            done=lambda o: _request(o).opd_id == o.w.opd_b.pk,
        ),
        Act(
            "api-route",
            "api:request-route",
            _number,
            method="post",
            data=lambda o: {"opd": o.w.opd_b.slug},
            sees=OF_A,
            may=PUBLISHERS,
            done=lambda o: _request(o).opd_id == o.w.opd_b.pk,
        ),
    ]
    for step, payload, may, done in staff_steps:
        acts.append(
            Act(
                step,
                "ppid:request-action",
                _step(step),
                method="post",
                data=lambda o, payload=payload: payload,
                sees=OF_A,
                may=may,
                ok=302,
                done=done,
            )
        )
        acts.append(
            Act(
                "api-" + step,
                "api:request-" + step,
                _number,
                method="post",
                data=lambda o, payload=payload: payload,
                sees=OF_A,
                may=may,
                done=done,
            )
        )
    # Who may not act is refused before the input is read: an empty form
    # is a 400 only for those who may take the step.
    for step, may in (("route", PUBLISHERS), ("incomplete", HANDLERS_A)):
        acts += [
            Act(
                step + "-empty",
                "ppid:request-action",
                _step(step),
                method="post",
                sees=OF_A,
                may=may,
                ok=400,
            ),
            Act(
                "api-{}-empty".format(step),
                "api:request-" + step,
                _number,
                method="post",
                sees=OF_A,
                may=may,
                ok=400,
            ),
        ]
    acts += [
        Act(
            "answer-empty",
            "ppid:request-action",
            _step("answer"),
            method="post",
            sees=OF_A,
            may=HANDLERS_A,
            ok=400,
        ),
        Act(
            "api-answer-empty",
            "api:request-answer",
            _number,
            method="post",
            sees=OF_A,
            may=HANDLERS_A,
            ok=400,
        ),
    ]
    return tuple(acts)


def _objections(o: Any) -> int:
    return Objection.objects.filter(request=o.request).count()


def answered_acts() -> tuple[Act, ...]:
    """The request answered by OPD A, with the answer's file."""
    filed = lambda o: _objections(o) == 1  # noqa: E731
    objection = {"reason": "d", "description": "Bukan yang diminta."}
    return (
        Act(
            "close",
            "ppid:request-action",
            _step("close"),
            method="post",
            sees=OF_A,
            may=HANDLERS_A,
            ok=302,
            done=_status_is("closed"),
        ),
        Act(
            "api-close",
            "api:request-close",
            _number,
            method="post",
            sees=OF_A,
            may=HANDLERS_A,
            done=_status_is("closed"),
        ),
        # The day the information was handed over is recorded by its handlers.
        Act(
            "handover",
            "ppid:request-action",
            _step("handover"),
            method="post",
            data=lambda o: {"delivered_on": rs.today().isoformat()},
            sees=OF_A,
            may=HANDLERS_A,
            ok=302,
            done=lambda o: _request(o).delivered_on is not None,
        ),
        Act(
            "api-handover",
            "api:request-handover",
            _number,
            method="post",
            sees=OF_A,
            may=HANDLERS_A,
            done=lambda o: _request(o).delivered_on is not None,
        ),
        Act(
            "answer-file",
            "ppid:request-file",
            lambda o: {"number": o.request.url_key, "file_id": o.answer.pk},
            sees=OF_A,
        ),
        Act(
            "requester-file",
            "ppid:requester-file",
            lambda o: {"number": o.request.url_key, "file_id": o.answer.pk},
            sees=REQUESTER,
        ),
        # A paper objection is recorded by whoever received it: the PPIDs
        # who handle the request or the Atasan PPID.
        Act(
            "record-objection",
            "ppid:request-objection",
            _number,
            method="post",
            data=lambda o: {
                **objection,
                "filed_on": rs.today().isoformat(),
                "channel": "surat",
            },
            sees=OF_A,
            may=HANDLERS_A | {"atasan"},
            ok=302,
            done=filed,
        ),
        # The requester objects on the status page or with the code.
        Act(
            "object",
            "ppid:request-status",
            _number,
            method="post",
            data=lambda o: objection,
            sees=REQUESTER,
            ok=302,
            done=filed,
        ),
        Act(
            "api-object",
            "api:request-objections",
            _number,
            method="post",
            data=lambda o: objection,
            sees=OF_A | REQUESTER,
            may=HANDLERS_A | {"atasan", "requester"},
            ok=201,
            done=filed,
            code_in_body=True,
        ),
    )


def charged_acts() -> tuple[Act, ...]:
    """A request answered with a cost: its handlers record the payment."""
    paid = lambda o: _request(o).paid_on is not None  # noqa: E731
    return (
        Act(
            "pay",
            "ppid:request-action",
            _step("pay"),
            method="post",
            data=lambda o: {"paid_on": rs.today().isoformat(), "reference": "KW-1"},
            sees=OF_A,
            may=HANDLERS_A,
            ok=302,
            done=paid,
        ),
        Act(
            "api-pay",
            "api:request-pay",
            _number,
            method="post",
            data=lambda o: {"reference": "KW-2"},
            sees=OF_A,
            may=HANDLERS_A,
            done=paid,
        ),
    )


def _objection_status(o: Any) -> str:
    return Objection.objects.get(pk=o.objection.pk).status


def objection_acts() -> tuple[Act, ...]:
    """An objection to the answered request, waiting for the Atasan PPID."""
    answer = {"decision": "upheld", "answer": "Jawaban PPID sudah sesuai."}
    answered = lambda o: _objection_status(o) == "answered"  # noqa: E731
    number = lambda o: {"number": o.objection.url_key}  # noqa: E731
    return (
        Act(
            "answer",
            "ppid:objection-answer",
            lambda o: {"number": o.request.url_key, "objection_id": o.objection.pk},
            method="post",
            data=lambda o: answer,
            sees=OF_A,
            may=frozenset({"atasan", "superuser"}),
            ok=302,
            done=answered,
        ),
        Act("api-detail", "api:objection-detail", number, sees=OF_A),
        # The objection register follows the request register's scope.
        Act(
            "objection-register",
            "ppid:objection-register",
            sees=STAFF,
            lists=OF_A,
            marker=lambda o: o.objection.objection_number,
        ),
        Act(
            "objection-register-export",
            "ppid:objection-register-export",
            lambda o: {"fmt": "csv"},
            sees=STAFF,
            lists=OF_A,
            marker=lambda o: o.objection.objection_number,
        ),
        Act(
            "api-answer",
            "api:objection-answer",
            number,
            method="post",
            data=lambda o: answer,
            sees=OF_A,
            may=frozenset({"atasan", "superuser"}),
            done=answered,
        ),
    )


def _order_done(o: Any) -> bool:
    return Objection.objects.get(pk=o.objection.pk).order_done_on is not None


def granted_objection_acts() -> tuple[Act, ...]:
    """The Atasan PPID granted the objection: OPD A's PPID must act on it."""
    number = lambda o: {"number": o.objection.url_key}  # noqa: E731
    new_answer = {"answer": "Informasi kami berikan seluruhnya."}
    return (
        Act(
            "comply",
            "ppid:objection-comply",
            number,
            method="post",
            data=lambda o: new_answer,
            sees=OF_A,
            may=HANDLERS_A,
            ok=302,
            done=_order_done,
        ),
        Act(
            "api-comply",
            "api:objection-comply",
            number,
            method="post",
            data=lambda o: new_answer,
            sees=OF_A,
            may=HANDLERS_A,
            done=_order_done,
        ),
    )


def periodic_objection_acts() -> tuple[Act, ...]:
    """Ground b against OPD A: the objector follows it with its code; OPD A's
    admin and the kabupaten roles see it; the Atasan PPID answers."""
    number = lambda o: {"number": o.objection.url_key}  # noqa: E731
    answer = {"decision": "overturned", "answer": "Dikabulkan."}
    answered = lambda o: _objection_status(o) == "answered"  # noqa: E731
    paper = "Profil pejabat Dinas Matriks Alfa tidak diumumkan."
    return (
        Act(
            "status",
            "ppid:objection-status",
            number,
            lists=REQUESTER,
            marker=lambda o: o.objection.description,
        ),
        Act("detail", "ppid:objection-staff-detail", number, sees=OF_A),
        Act(
            "register",
            "ppid:objection-register",
            sees=STAFF,
            lists=OF_A,
            marker=lambda o: o.objection.objection_number,
        ),
        Act(
            "api-list",
            "api:objection-list",
            sees=STAFF,
            lists=OF_A,
            marker=lambda o: o.objection.objection_number,
            gate=True,
        ),
        Act("api-detail", "api:objection-detail", number, sees=OF_A | REQUESTER),
        Act(
            "answer",
            "ppid:objection-staff-answer",
            number,
            method="post",
            data=lambda o: answer,
            sees=OF_A,
            may=frozenset({"atasan", "superuser"}),
            ok=302,
            done=answered,
        ),
        # A paper objection on ground b is recorded by PPID Utama, the Atasan
        # PPID or the OPD's own admin.
        Act(
            "record",
            "ppid:objection-record",
            method="post",
            data=lambda o: {
                "opd": o.w.opd_a.pk,
                "description": paper,
                "full_name": "Warga Matriks",
                "address": "Purbalingga",
                "phone": "0281000000",
                "filed_on": rs.today().isoformat(),
                "channel": "surat",
            },
            sees=STAFF,
            may=frozenset({"admin_a", "ppid_utama", "atasan", "superuser"}),
            ok=302,
            done=lambda o: Objection.objects.filter(description=paper).exists(),
        ),
        # Anyone may object on ground b through the API; a staff caller
        # records it, which only those who may record it for OPD A do.
        Act(
            "api-object",
            "api:objection-list",
            method="post",
            data=lambda o: {
                "opd": o.w.opd_a.slug,
                "description": paper,
                "full_name": "Warga Matriks",
                "address": "Purbalingga",
                "phone": "0281000000",
            },
            may=EVERYONE - {"admin_b", "dinkominfo"},
            ok=201,
            done=lambda o: Objection.objects.filter(description=paper).exists(),
        ),
    )


def objection_answered_acts() -> tuple[Act, ...]:
    """The Atasan PPID answered; the requester accepts or goes on."""
    return (
        Act(
            "accept",
            "ppid:objection-response",
            lambda o: {"number": o.request.url_key, "objection_id": o.objection.pk},
            method="post",
            data=lambda o: {"accept": "1"},
            sees=REQUESTER,
            ok=302,
            done=lambda o: _objection_status(o) == "accepted",
        ),
    )


def dispute_kind(w: Any) -> SimpleNamespace:
    """The answered objection taken to the Komisi Informasi (ground d)."""
    o = request_kind(w, "objection answered")
    rs.respond_to_objection_answer(objection=o.objection, accept=False)
    o.dispute = Dispute.objects.get(objection=o.objection)
    return o


def dispute_acts() -> tuple[Act, ...]:
    """What the Komisi Informasi decided is recorded by whoever may record
    the request's objections: its handlers and the Atasan PPID."""
    return (
        Act(
            "record-result",
            "ppid:dispute-result",
            lambda o: {"number": o.request.url_key, "objection_id": o.objection.pk},
            method="post",
            data=lambda o: {
                "dispute-{}-mediation_result".format(o.dispute.pk): "failed"
            },
            sees=OF_A,
            may=HANDLERS_A | {"atasan"},
            ok=302,
            done=lambda o: (
                Dispute.objects.get(pk=o.dispute.pk).mediation_result == "failed"
            ),
        ),
    )


def periodic_dispute_kind(w: Any) -> SimpleNamespace:
    """The ground-b objection against OPD A, upheld by the Atasan PPID and
    taken to the Komisi Informasi: no request."""
    o = periodic_objection_kind(w)
    rs.answer_objection(
        objection=o.objection,
        by=w.users["atasan"],
        decision="upheld",
        answer="Informasi berkala sudah diumumkan.",
    )
    rs.respond_to_objection_answer(objection=o.objection, accept=False)
    o.dispute = Dispute.objects.get(objection=o.objection)
    return o


def periodic_dispute_acts() -> tuple[Act, ...]:
    """Its result is recorded on the objection's page by whoever may record
    an objection against OPD A: its admin, PPID Utama, the Atasan PPID."""
    return (
        Act(
            "record-result",
            "ppid:objection-dispute-result",
            lambda o: {"number": o.objection.url_key},
            method="post",
            data=lambda o: {
                "dispute-{}-mediation_result".format(o.dispute.pk): "failed"
            },
            sees=OF_A,
            may=HANDLERS_A | {"atasan"},
            ok=302,
            done=lambda o: (
                Dispute.objects.get(pk=o.dispute.pk).mediation_result == "failed"
            ),
        ),
    )


REQUEST_KINDS = (
    Kind("request", lambda w: request_kind(w), request_acts(), EVERYONE),
    Kind(
        "answered-request",
        lambda w: request_kind(w, "answered"),
        answered_acts(),
        EVERYONE,
    ),
    Kind("charged-request", charged_kind, charged_acts(), EVERYONE),
    Kind(
        "objection", lambda w: request_kind(w, "objected"), objection_acts(), EVERYONE
    ),
    Kind(
        "answered-objection",
        lambda w: request_kind(w, "objection answered"),
        objection_answered_acts(),
        EVERYONE,
    ),
    Kind("dispute", dispute_kind, dispute_acts()),
    Kind("periodic-dispute", periodic_dispute_kind, periodic_dispute_acts()),
    Kind(
        "granted-objection",
        lambda w: request_kind(w, "objection granted"),
        granted_objection_acts(),
    ),
    Kind(
        "periodic-objection",
        periodic_objection_kind,
        periodic_objection_acts(),
        EVERYONE,
    ),
)

# --- The yearly service report ---------------------------------------------------------------

# The year being written and the (finished, complete) year to publish.
WRITTEN_YEAR = rs.today().year - 2
PUBLISHED_YEAR = rs.today().year - 1


def yearly_report_kind(w: Any) -> SimpleNamespace:
    """Last year's report with every part written, ready to publish."""
    parts = {
        field: "Bagian {}".format(field) for field in YearlyReport.REQUIRED_TO_PUBLISH
    }
    report = YearlyReport.objects.create(year=PUBLISHED_YEAR, **parts)
    return SimpleNamespace(w=w, report=report)


REPORT_KINDS = (
    Kind(
        "yearly-report",
        yearly_report_kind,
        (
            # The kabupaten's report is PPID Utama's (Perki 1/2021 Pasal 56).
            Act("index", "ppid:yearly-reports", sees=STAFF, may=PUBLISHERS),
            Act(
                "edit-page",
                "ppid:yearly-report-edit",
                lambda o: {"year": WRITTEN_YEAR},
                sees=STAFF,
                may=PUBLISHERS,
            ),
            Act(
                "edit",
                "ppid:yearly-report-edit",
                lambda o: {"year": WRITTEN_YEAR},
                method="post",
                data=lambda o: {"policy": "Kebijakan matriks."},
                sees=STAFF,
                may=PUBLISHERS,
                ok=302,
                done=lambda o: YearlyReport.objects.filter(
                    year=WRITTEN_YEAR, policy="Kebijakan matriks."
                ).exists(),
            ),
            Act(
                "publish",
                "ppid:yearly-report-publish",
                lambda o: {"year": PUBLISHED_YEAR},
                method="post",
                sees=STAFF,
                may=PUBLISHERS,
                ok=302,
                done=lambda o: (
                    YearlyReport.objects.get(pk=o.report.pk).published_on is not None
                ),
            ),
        ),
    ),
)

# --- Social media ---------------------------------------------------------------------------

META_EXPORT = (
    "Post ID,Permalink,Post type,Publish time,Description,Duration (sec),Reach,Views,"
    "Reactions,Comments,Shares\n"
    "777_1,https://www.facebook.com/777_1,Photos,03/10/2026 09:15,Posyandu,,1200,2400,87,5,3\n"
)


def _posts_of_account(o: Any) -> int:
    return Post.objects.filter(account=o.account).count()


# Who makes images: an OPD admin for its own OPD, Dinkominfo and PPID Utama
# for any OPD; the Atasan PPID only reads them.
MAKERS = STAFF - {"atasan"}
MAKERS_A = MAKERS - {"admin_b"}


def _infographic(o: Any) -> dict:
    return {"pk": o.infographic.pk}


def _made(**lookup: Any) -> Callable[[Any], bool]:
    return lambda o: Infographic.objects.filter(**lookup).exists()


EXPORT_QUERY = "data=posts&format=csv&start=2026-03-01&end=2026-03-31"

SOCIAL_KINDS = (
    Kind(
        "social-account",
        account_kind,
        (
            Act(
                "list",
                "socialposts:accounts",
                sees=STAFF,
                lists=OF_A,
                marker=lambda o: o.account.handle,
            ),
            Act(
                "detail",
                "socialposts:account-detail",
                lambda o: {"pk": o.account.pk},
                sees=OF_A,
            ),
            # Only the OPD enters its own figures; Dinkominfo evaluates them.
            Act(
                "import",
                "socialposts:account-import",
                lambda o: {"pk": o.account.pk},
                method="post",
                data=lambda o: {
                    "file": SimpleUploadedFile(
                        "ekspor.csv", META_EXPORT.encode(), content_type="text/csv"
                    ),
                    "as_of": "2026-03-16",
                },
                sees=OF_A,
                may=OWNER_A,
                ok=302,
                done=lambda o: _posts_of_account(o) == 1,
            ),
            # An empty upload: the owner is told what is missing, anyone
            # else is refused before the form is read.
            Act(
                "import-empty",
                "socialposts:account-import",
                lambda o: {"pk": o.account.pk},
                method="post",
                sees=OF_A,
                may=OWNER_A,
                ok=302,
            ),
            Act(
                # Another OPD's admin is refused (403), as are the roles
                # that only read the figures.
                "connect",
                "socialposts:account-connect",
                lambda o: {"pk": o.account.pk},
                method="post",
                sees=STAFF,
                may=OWNER_A | REVIEWERS,
                ok=302,
            ),
            Act(
                # Without a state this session issued, nothing happens.
                "connect-callback",
                "socialposts:oauth-callback",
                sees=STAFF,
                ok=400,
            ),
            Act(
                "post-create-page",
                "socialposts:post-create",
                lambda o: {"pk": o.account.pk},
                sees=OF_A,
                may=OWNER_A,
            ),
            Act(
                "post-create",
                "socialposts:post-create",
                lambda o: {"pk": o.account.pk},
                method="post",
                data=lambda o: {
                    "permalink": "https://www.facebook.com/matriks/posts/1",
                    "published_at": "2026-03-10T09:00",
                    "content_type": "infografis",
                    "caption": "Jadwal posyandu",
                    "topics": ["layanan"],
                },
                sees=OF_A,
                may=OWNER_A,
                ok=302,
                done=lambda o: _posts_of_account(o) == 1,
            ),
            Act(
                "api-list",
                "api:social-account-list",
                sees=STAFF,
                lists=OF_A,
                marker=lambda o: o.account.handle,
            ),
            Act(
                "api-detail",
                "api:social-account-detail",
                lambda o: {"pk": o.account.pk},
                sees=OF_A,
            ),
            Act(
                "api-metrics",
                "api:social-metric-list",
                query="account={account}",
                sees=OF_A,
            ),
            # Downloads of the figures: whoever may read them.
            Act(
                "export-page",
                "socialposts:account-export",
                lambda o: {"pk": o.account.pk},
                sees=OF_A,
            ),
            Act(
                "export",
                "socialposts:account-export",
                lambda o: {"pk": o.account.pk},
                query=EXPORT_QUERY,
                sees=OF_A,
            ),
            Act(
                "opd-export",
                "socialposts:opd-export",
                lambda o: {"slug": o.account.opd.slug},
                query=EXPORT_QUERY,
                sees=OF_A,
            ),
            Act(
                "opd-monthly",
                "socialposts:opd-monthly",
                lambda o: {"slug": o.account.opd.slug},
                query="month=2026-03",
                sees=OF_A,
            ),
            Act(
                "api-export",
                "api:social-account-export",
                lambda o: {"pk": o.account.pk},
                query=EXPORT_QUERY,
                sees=OF_A,
            ),
            Act(
                "api-opd-export",
                "api:social-opd-export",
                lambda o: {"slug": o.account.opd.slug},
                query=EXPORT_QUERY,
                sees=OF_A,
            ),
            Act(
                "api-opd-monthly",
                "api:social-opd-monthly",
                lambda o: {"slug": o.account.opd.slug},
                query="month=2026-03",
                sees=OF_A,
            ),
        ),
    ),
    Kind(
        "social-post",
        post_kind,
        (
            # Classifying a post: the OPD, and Dinkominfo, which evaluates
            # every OPD's posts.
            Act(
                "edit-page",
                "socialposts:post-edit",
                lambda o: {"pk": o.post.pk},
                sees=OF_A,
                may=frozenset({"admin_a", "dinkominfo", "superuser"}),
            ),
            Act(
                "edit",
                "socialposts:post-edit",
                lambda o: {"pk": o.post.pk},
                method="post",
                data=lambda o: {"content_type": "infografis", "topics": ["layanan"]},
                sees=OF_A,
                may=frozenset({"admin_a", "dinkominfo", "superuser"}),
                ok=302,
                done=lambda o: (
                    Post.objects.get(pk=o.post.pk).content_type == "infografis"
                ),
            ),
            Act(
                "api-list",
                "api:social-post-list",
                sees=STAFF,
                lists=OF_A,
                marker=lambda o: o.post.permalink,
            ),
            Act(
                "api-detail",
                "api:social-post-detail",
                lambda o: {"pk": o.post.pk},
                sees=OF_A,
            ),
        ),
    ),
    Kind(
        "infographic",
        infographic_kind,
        (
            Act(
                "list",
                "socialposts:infographics",
                sees=STAFF,
                lists=OF_A,
                marker=lambda o: "Alur Matriks Alfa",
            ),
            Act("detail", "socialposts:infographic-detail", _infographic, sees=OF_A),
            Act("image", "socialposts:infographic-image", _infographic, sees=OF_A),
            Act(
                "download", "socialposts:infographic-download", _infographic, sees=OF_A
            ),
            # Linking classifies the OPD's post: its admin and Dinkominfo.
            Act(
                "link",
                "socialposts:infographic-link",
                _infographic,
                method="post",
                data=lambda o: {"post": o.post.pk},
                sees=OF_A,
                may=frozenset({"admin_a", "dinkominfo", "superuser"}),
                ok=302,
                done=lambda o: (
                    Infographic.objects.get(pk=o.infographic.pk).post_id == o.post.pk
                ),
            ),
            Act(
                "create-page", "socialposts:infographic-create", sees=STAFF, may=MAKERS
            ),
            Act(
                "create",
                "socialposts:infographic-create",
                method="post",
                data=lambda o: {
                    "kind": "service_flow",
                    "opd": o.w.opd_a.slug,
                    "size": "square",
                    "action": "save",
                    "title": "Alur Dibuat Matriks",
                    "step_1_title": "Datang ke loket",
                    "step_2_title": "Terima layanan",
                },
                sees=STAFF,
                may=MAKERS_A,
                ok=302,
                done=_made(data__title="Alur Dibuat Matriks"),
            ),
            # A card of OPD A's draft: unknown to the admin of B (404).
            Act(
                "preview-from-draft",
                "socialposts:infographic-create",
                method="post",
                data=lambda o: {
                    "kind": "item_card",
                    "item": o.item.pk,
                    "size": "portrait",
                    "action": "preview",
                },
                sees=OF_A,
                may=MAKERS_A,
            ),
            Act(
                "api-create",
                "api:infographic-list",
                method="post",
                data=lambda o: {
                    "kind": "service_flow",
                    "opd": o.w.opd_a.slug,
                    "title": "Alur API Matriks",
                    "steps": _flow("")["steps"],
                },
                sees=STAFF,
                may=MAKERS_A,
                done=_made(data__title="Alur API Matriks"),
            ),
            Act(
                "api-from-draft",
                "api:infographic-list",
                method="post",
                data=lambda o: {"kind": "item_card", "item": o.item.pk},
                sees=OF_A,
                may=MAKERS_A,
                done=lambda o: _made(source_item=o.item)(o),
            ),
        ),
    ),
    Kind(
        "import-job",
        job_kind,
        (
            Act(
                "page", "socialposts:import-job", lambda o: {"pk": o.job.pk}, sees=OF_A
            ),
            Act(
                "status",
                "socialposts:import-job-status",
                lambda o: {"pk": o.job.pk},
                sees=OF_A,
            ),
        ),
    ),
)

# --- The monthly evaluation -------------------------------------------------------------------


def _month(o: Any, **extra: Any) -> dict:
    return {"month": o.month, **extra}


def _opd_month(o: Any, **extra: Any) -> dict:
    return {"month": o.month, "slug": o.w.opd_a.slug, **extra}


def _api_month(o: Any, **extra: Any) -> dict:
    return {"month": "{:%Y-%m}".format(o.month), **extra}


def month_reads(sees_opd: frozenset, sees_month: frozenset) -> list[Act]:
    """OPD A's page of a month and its files; the kabupaten's page and
    files, which only the roles whose scope is every OPD read (an OPD admin
    is sent on to its own OPD's page)."""
    admins = {"admin_a": 302, "admin_b": 302, "*": 200}
    return [
        Act("opd-page", "evaluations:opd", _opd_month, sees=sees_opd),
        *(
            Act(
                "opd-" + fmt,
                "evaluations:opd-file",
                lambda o, fmt=fmt: _opd_month(o, fmt=fmt),
                sees=sees_opd,
            )
            for fmt in ("pdf", "xlsx")
        ),
        *(
            Act(
                "evidence-" + fmt,
                "evaluations:opd-evidence",
                lambda o, fmt=fmt: _opd_month(o, fmt=fmt),
                sees=sees_opd,
            )
            for fmt in ("csv", "xlsx")
        ),
        Act("opd-whatsapp", "evaluations:opd-whatsapp", _opd_month, sees=sees_opd),
        Act("report-page", "evaluations:report", _month, sees=sees_month, ok=admins),
        *(
            Act(
                "report-" + fmt,
                "evaluations:report-file",
                lambda o, fmt=fmt: _month(o, fmt=fmt),
                sees=sees_month,
                may=KABUPATEN,
            )
            for fmt in ("pdf", "xlsx")
        ),
        Act(
            "whatsapp",
            "evaluations:whatsapp",
            _month,
            sees=sees_month,
            may=KABUPATEN,
        ),
        # The same files over the API, for the token that reads the JSON.
        *(
            Act(
                "api-opd-" + fmt,
                "api:monthly-report-opd-file",
                lambda o, fmt=fmt: _api_month(o, slug=o.w.opd_a.slug, fmt=fmt),
                sees=sees_opd,
            )
            for fmt in ("pdf", "xlsx")
        ),
        *(
            Act(
                "api-report-" + fmt,
                "api:monthly-report-file",
                lambda o, fmt=fmt: _api_month(o, fmt=fmt),
                sees=sees_month,
                may=KABUPATEN,
            )
            for fmt in ("pdf", "xlsx")
        ),
        Act(
            "api-scores",
            "api:evaluation-list",
            query="month={month}",
            sees=STAFF,
            lists=sees_opd,
            marker=lambda o: '"slug":"{}"'.format(o.w.opd_a.slug),
        ),
        Act(
            "api-reports",
            "api:monthly-report-list",
            query="month={month}",
            sees=STAFF,
            lists=sees_opd,
            marker=lambda o: '"slug":"{}"'.format(o.w.opd_a.slug),
        ),
    ]


def _reply(o: Any) -> str:
    return o.report.scores.get(opd=o.w.opd_a).reply


# Replying is the OPD's own voice: its admin alone, not even a superuser.
OPD_A_VOICE = frozenset({"admin_a"})

EVALUATION_KINDS = (
    Kind(
        "draft-month",
        lambda w: month_kind(w, DRAFT_MONTH, "draft"),
        (
            # A draft is the evaluation team's alone.
            *month_reads(REVIEWERS, REVIEWERS),
            Act(
                "score",
                "evaluations:score-opd",
                _opd_month,
                method="post",
                data=lambda o: {
                    "nilai-{}".format(o.manual.pk): "100",
                    "catatan-{}".format(o.manual.pk): "SK PPID 2026 ada.",
                },
                sees=REVIEWERS,
                ok=302,
                done=lambda o: (
                    ItemScore.objects.get(pk=o.manual.pk).ratio == Decimal(1)
                ),
            ),
            Act(
                "open-reply",
                "evaluations:open-reply",
                _month,
                method="post",
                data=lambda o: {"deadline": DEADLINE.isoformat()},
                sees=REVIEWERS,
                ok=302,
                done=lambda o: _report_status(o) == "reply",
            ),
        ),
    ),
    Kind(
        "month-open-for-reply",
        lambda w: month_kind(w, REPLY_MONTH, "reply"),
        (
            *month_reads(OF_A, STAFF),
            Act(
                "agree",
                "evaluations:agree",
                _opd_month,
                method="post",
                sees=OF_A,
                may=OPD_A_VOICE,
                ok=302,
                done=lambda o: _reply(o) == "agree",
            ),
            Act(
                "contest",
                "evaluations:contest-item",
                lambda o: _opd_month(o, pk=o.manual.pk),
                method="post",
                data=lambda o: {"argument": "SK PPID sudah terbit."},
                sees=OF_A,
                may=OPD_A_VOICE,
                ok=302,
                done=lambda o: Contest.objects.filter(item_score=o.manual).exists(),
            ),
        ),
    ),
    Kind(
        "contest",
        lambda w: month_kind(w, CONTEST_MONTH, "contest"),
        (
            Act(
                "decide",
                "evaluations:decide",
                lambda o: _month(o, pk=o.contest.pk),
                method="post",
                data=lambda o: {"decision": "reject", "response": "Belum diunggah."},
                sees=OF_A,
                may=REVIEWERS,
                ok=302,
                done=lambda o: (
                    Contest.objects.get(pk=o.contest.pk).status == "rejected"
                ),
            ),
        ),
    ),
    Kind(
        "month-past-deadline",
        lambda w: month_kind(w, CLOSING_MONTH, "closing"),
        (
            Act(
                "finalise",
                "evaluations:finalise",
                _month,
                method="post",
                sees=STAFF,
                may=REVIEWERS,
                ok=302,
                done=lambda o: _report_status(o) == "final",
            ),
        ),
    ),
    Kind(
        "final-month",
        lambda w: month_kind(w, FINAL_MONTH, "final"),
        tuple(month_reads(OF_A, STAFF)),
    ),
    Kind(
        "report-run",
        run_kind,
        (
            # A run is the reviewers' tool: to anyone else it is not there.
            Act("page", "evaluations:run", lambda o: {"pk": o.run.pk}, sees=REVIEWERS),
            Act(
                "status",
                "evaluations:run-status",
                lambda o: {"pk": o.run.pk},
                sees=REVIEWERS,
            ),
        ),
    ),
)

# --- OPDs, dashboards and pages without an object ------------------------------------------------

OPD_KINDS = (
    Kind(
        "opd",
        nothing,
        (
            # The OPD is public: the others who try to edit it get 403.
            Act(
                "edit-page",
                "opds:opd-edit",
                lambda o: {"slug": o.w.opd_a.slug},
                may=OWNER_A,
            ),
            Act(
                "edit",
                "opds:opd-edit",
                lambda o: {"slug": o.w.opd_a.slug},
                method="post",
                data=lambda o: {"phone": "(0281) 891046"},
                may=OWNER_A,
                ok=302,
                done=lambda o: (
                    Opd.objects.get(pk=o.w.opd_a.pk).phone == "(0281) 891046"
                ),
            ),
            Act(
                "api-patch",
                "api:opd-detail",
                lambda o: {"slug": o.w.opd_a.slug},
                method="patch",
                data=lambda o: {"phone": "(0281) 891047"},
                may=OWNER_A,
                done=lambda o: (
                    Opd.objects.get(pk=o.w.opd_a.pk).phone == "(0281) 891047"
                ),
            ),
            # An OPD's fees: its own PPID Pelaksana and PPID Utama set them;
            # every staff role reads those of its scope.
            Act(
                "tariffs",
                "ppid:tariffs",
                sees=STAFF,
                lists=OF_A,
                marker=lambda o: o.w.opd_a.name,
            ),
            Act(
                "tariff-page",
                "ppid:tariff-edit",
                lambda o: {"slug": o.w.opd_a.slug},
                sees=OF_A,
                may=HANDLERS_A,
            ),
            Act(
                "tariff-edit",
                "ppid:tariff-edit",
                lambda o: {"slug": o.w.opd_a.slug},
                method="post",
                data=lambda o: {
                    "copy_per_page": "750",
                    "media_per_item": "0",
                    "postage": "0",
                    "payment_methods": "Tunai",
                },
                sees=OF_A,
                may=HANDLERS_A,
                ok=302,
                done=lambda o: Tariff.objects.filter(
                    opd=o.w.opd_a, copy_per_page=750
                ).exists(),
            ),
            # PPID Utama decides which OPDs publish without review.
            Act(
                "delegate",
                "ppid:opd-delegation",
                lambda o: {"slug": o.w.opd_a.slug},
                method="post",
                data=lambda o: {"delegated": "1"},
                may=PUBLISHERS,
                ok=302,
                done=lambda o: (
                    Opd.objects.get(pk=o.w.opd_a.pk).ppid_publishing_delegated
                ),
            ),
            # Every role has a dashboard; OPD A is on it only for the roles
            # whose scope takes it in.
            Act(
                "dashboard",
                "dashboard",
                sees=STAFF,
                lists=OF_A,
                marker=lambda o: o.w.opd_a.name,
            ),
        ),
    ),
    Kind(
        "no-object",
        nothing,
        (
            # PPID Utama and each OPD's PPID Pelaksana receive requests.
            Act(
                "record-page",
                "ppid:request-record",
                sees=STAFF,
                may=HANDLERS_A | {"admin_b"},
            ),
            Act(
                "record",
                "ppid:request-record",
                method="post",
                data=lambda o: {
                    **_request_data(full_name="Yayasan Dicatat", opd=o.w.opd_a.pk),
                    "channel": "surat",
                    "received_on": rs.today().isoformat(),
                },
                sees=STAFF,
                may=HANDLERS_A | {"admin_b"},
                ok=302,
                done=lambda o: InformationRequest.objects.filter(
                    full_name="Yayasan Dicatat"
                ).exists(),
            ),
            # An item is filed for the admin's own OPD; other roles have none.
            Act(
                "item-create-page",
                "ppid:item-create",
                sees=STAFF,
                may=frozenset({"admin_a", "admin_b"}),
            ),
            Act("evaluation-months", "evaluations:index", sees=STAFF),
            # Every OPD's social media at once: Dinkominfo evaluates it,
            # PPID Utama coordinates the OPDs.
            Act(
                "social-overview",
                "socialposts:overview",
                sees=STAFF,
                may=REVIEWERS | {"ppid_utama"},
            ),
            Act(
                "build-month",
                "evaluations:build",
                method="post",
                data=lambda o: {"month": "{:%Y-%m}".format(DRAFT_MONTH), "reason": ""},
                sees=STAFF,
                may=REVIEWERS,
                ok=302,
                done=lambda o: ReportRun.objects.filter(month=DRAFT_MONTH).exists(),
            ),
        ),
    ),
)

# --- The aspiration inbox (pages helper) --------------------------------------------------

# Who handles a case routed to OPD A: its admin and the coordinator.
CASE_HANDLERS_A = frozenset({"admin_a", "dinkominfo", "superuser"})


def case_kind(w: Any, confidential: bool = False) -> SimpleNamespace:
    """A citizen's WhatsApp message routed to OPD A by the coordinator."""
    from aspirations.inbox import services as inbox_services

    case = inbox_services.create_case(
        channel="whatsapp",
        text="Lampu jalan di depan balai desa mati",
        received_at=timezone.now(),
        thread_key="matriks-{}".format(int(confidential)),
        confidential=confidential,
    )
    inbox_services.route(case=case, by=w.users["dinkominfo"], opd=w.opd_a)
    return SimpleNamespace(w=w, case=case)


def canned_kind(w: Any, opd: Opd | None) -> SimpleNamespace:
    from aspirations.inbox.models import CannedResponse

    answer = CannedResponse.objects.create(
        opd=opd,
        title="Jawaban Matriks {}".format(opd.short_name if opd else "Kabupaten"),
        text="Terima kasih atas laporan Anda.",
    )
    return SimpleNamespace(w=w, answer=answer)


def _case_state(o: Any) -> str:
    from aspirations.inbox.models import Case

    return Case.objects.get(pk=o.case.pk).state


def _canned_gone(o: Any) -> bool:
    from aspirations.inbox.models import CannedResponse

    return not CannedResponse.objects.filter(pk=o.answer.pk).exists()


INBOX_KINDS = (
    Kind(
        "case",
        case_kind,
        (
            Act(
                "queue",
                "aspirations:queue",
                query="view=",
                sees=STAFF,
                lists=OF_A,
                marker=lambda o: o.case.number,
            ),
            Act(
                "case-page", "aspirations:case", lambda o: {"pk": o.case.pk}, sees=OF_A
            ),
            Act(
                "take-up",
                "aspirations:case-action",
                lambda o: {"pk": o.case.pk, "action": "take-up"},
                method="post",
                sees=OF_A,
                may=CASE_HANDLERS_A,
                ok=302,
                done=lambda o: _case_state(o) == "in_progress",
            ),
            # Archiving is the coordinator's, even on a case the OPD handles.
            Act(
                "archive",
                "aspirations:case-action",
                lambda o: {"pk": o.case.pk, "action": "archive"},
                method="post",
                data=lambda o: {"archive-reason": "Pesan uji coba"},
                sees=OF_A,
                may=REVIEWERS,
                ok=302,
                done=lambda o: _case_state(o) == "archived",
            ),
        ),
    ),
    # Whistle-blowing: the coordinator and the OPD handling it, nobody else.
    Kind(
        "confidential-case",
        lambda w: case_kind(w, confidential=True),
        (
            Act(
                "queue",
                "aspirations:queue",
                query="view=",
                sees=STAFF,
                lists=CASE_HANDLERS_A,
                marker=lambda o: o.case.number,
            ),
            Act(
                "case-page",
                "aspirations:case",
                lambda o: {"pk": o.case.pk},
                sees=CASE_HANDLERS_A,
            ),
        ),
    ),
    # OPD A's ready answers: its admin keeps them, the coordinator reads them.
    Kind(
        "canned",
        lambda w: canned_kind(w, w.opd_a),
        (
            Act(
                "list",
                "aspirations:canned",
                sees=STAFF,
                lists=CASE_HANDLERS_A,
                marker=lambda o: o.answer.title,
            ),
            Act(
                "edit-page",
                "aspirations:canned-edit",
                lambda o: {"pk": o.answer.pk},
                sees=CASE_HANDLERS_A,
                may=OWNER_A,
            ),
            Act(
                "delete",
                "aspirations:canned-delete",
                lambda o: {"pk": o.answer.pk},
                method="post",
                sees=CASE_HANDLERS_A,
                may=OWNER_A,
                ok=302,
                done=_canned_gone,
            ),
        ),
    ),
    # The regency-wide ones: every role reads them, the coordinator keeps them.
    Kind(
        "regency-canned",
        lambda w: canned_kind(w, None),
        (
            Act(
                "edit-page",
                "aspirations:canned-edit",
                lambda o: {"pk": o.answer.pk},
                sees=STAFF,
                may=REVIEWERS,
            ),
        ),
    ),
)

KINDS = (
    ITEM_KINDS
    + REQUEST_KINDS
    + REPORT_KINDS
    + SOCIAL_KINDS
    + EVALUATION_KINDS
    + OPD_KINDS
    + INBOX_KINDS
)
BY_NAME = {kind.name: kind for kind in KINDS}
assert len(BY_NAME) == len(KINDS), "kind names must be unique"

SUBJECT_ORDER = (
    "anonymous",
    "requester",
    "other_requester",
    "admin_a",
    "admin_b",
    "ppid_utama",
    "dinkominfo",
    "atasan",
    "superuser",
)
CELLS = [
    pytest.param(
        kind.name, act.name, subject, id="{}-{}-{}".format(kind.name, act.name, subject)
    )
    for kind in KINDS
    for act in kind.acts
    for subject in SUBJECT_ORDER
    if subject in kind.subjects
]


def _act(kind: Kind, name: str) -> Act:
    (found,) = [act for act in kind.acts if act.name == name]
    return found


# --- The world ------------------------------------------------------------------------------------


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.opd_a = OpdFactory(short_name="MTXA", name="Dinas Matriks Alfa")
    w.opd_b = OpdFactory(short_name="MTXB", name="Dinas Matriks Beta")
    w.users = {
        "admin_a": UserFactory(username="mtx-admin-a", role="opd_admin", opd=w.opd_a),
        "admin_b": UserFactory(username="mtx-admin-b", role="opd_admin", opd=w.opd_b),
        "ppid_utama": UserFactory(username="mtx-ppid-utama", role="ppid_utama"),
        "dinkominfo": UserFactory(username="mtx-dinkominfo", role="dinkominfo"),
        "atasan": UserFactory(username="mtx-atasan", role="atasan_ppid"),
        "superuser": UserFactory(username="mtx-root", is_superuser=True, is_staff=True),
    }
    # Another citizen's request, to another OPD: its code opens nothing here.
    w.other_request = request_kind(w, opd=w.opd_b)
    # Items first: the evaluation months score what is published.
    w.objects = {kind.name: kind.build(w) for kind in KINDS}
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every kind of object, built once; each cell's savepoint undoes its writes."""
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(evaluation_services, "today", lambda: TODAY)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            w.media = media
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, world):
    # The world's files live in the module's media folder, not the test's.
    settings.MEDIA_ROOT = world.media


def _client(act: Act, subject: str, o: Any) -> Client:
    client = APIClient() if act.api else Client()
    user = o.w.users.get(subject)
    if user is not None:
        client.force_login(user)
    holder = _holder(subject, o)
    if holder is not None:
        if act.api:
            client.credentials(HTTP_X_TRACKING_CODE=holder.code)
        else:
            tracked = client.post(
                reverse("ppid:request-track"),
                {
                    "registration_number": holder.request.registration_number,
                    "tracking_code": holder.code,
                },
            )
            assert tracked.status_code == 302, tracked.content[:500]
    return client


def _holder(subject: str, o: Any) -> Any:
    """The request whose tracking code ``subject`` holds, if any."""
    return {"requester": o, "other_requester": o.w.other_request}.get(subject)


def _send(client: Client, act: Act, subject: str, o: Any) -> Any:
    url = reverse(act.route, kwargs=act.kwargs(o))
    if act.query:
        url += "?" + act.query.format(
            account=getattr(getattr(o, "account", None), "pk", ""),
            month="{:%Y-%m}".format(getattr(o, "month", TODAY)),
        )
    data = act.data(o) if act.data else {}
    holder = _holder(subject, o)
    if act.code_in_body and holder is not None:
        data = {**data, "tracking_code": holder.code}
    if act.method == "get":
        return client.get(url)
    send = getattr(client, act.method)
    if act.api:
        return send(url, data, format="json")
    return send(url, data)


@pytest.mark.parametrize(("kind_name", "act_name", "subject"), CELLS)
def test_permission_matrix(world, kind_name, act_name, subject):
    kind = BY_NAME[kind_name]
    act = _act(kind, act_name)
    o = world.objects[kind_name]
    want = expected(act, subject)
    response = _send(_client(act, subject, o), act, subject, o)
    status = response.status_code
    cell = (kind_name, act_name, subject, status, want)
    if want == LOGIN:
        if act.api:
            assert status in (401, 403), cell
        else:
            assert status == 302, cell
            assert response["Location"].startswith(reverse("login")), cell
    else:
        assert status == want, (cell, response.content[:300])
        if status == 302 and subject not in ANONYMOUS:
            assert not response["Location"].startswith(reverse("login")), cell
    if act.done is not None:
        succeeded = want not in (LOGIN, 403, 404)
        assert act.done(o) is succeeded, cell
    if act.lists is not None and status == 200:
        body = b"".join(response) if response.streaming else response.content
        shown = act.marker(o) in body.decode()
        assert shown is (subject in act.lists), cell


# --- The matrix covers every guarded route -------------------------------------------------------

# Routes that are neither public nor in the matrix, with where they are tested.
COVERED_ELSEWHERE = {
    # Nothing: every guarded route of the portal has a row above.
}
# Django's admin site (superusers only): tests/config/test_admin.py.
ELSEWHERE_PREFIXES = ("admin:",)


def test_every_guarded_route_has_a_row_in_the_matrix():
    in_matrix = {act.route for kind in KINDS for act in kind.acts}
    guarded = {
        name
        for _path, name, _pattern in ALL_ROUTES
        if name and routes.access(name) not in (None, routes.PUBLIC)
    }
    missing = {
        name
        for name in guarded - in_matrix - set(COVERED_ELSEWHERE)
        if not name.startswith(ELSEWHERE_PREFIXES)
    }
    assert missing == set(), "add these routes to the permission matrix"
    assert set(COVERED_ELSEWHERE) & in_matrix == set()


def test_the_table_expects_each_outcome_somewhere():
    # A table in which every cell says 404 (or every cell success) would
    # test little; each outcome must occur.
    outcomes = {
        expected(_act(BY_NAME[k], a), s) for k, a, s in (p.values for p in CELLS)
    }
    assert {LOGIN, 403, 404, 200, 201, 204, 302} <= outcomes


def test_an_admin_of_b_cannot_create_an_item_for_a(world):
    client = APIClient()
    client.force_login(world.users["admin_b"])
    response = client.post(
        reverse("api:information-list"),
        {"title": "Judul", "opd": world.opd_a.slug},
        format="json",
    )
    # Items are always created in the caller's own OPD; naming another is refused.
    assert response.status_code == 400
    assert "opd" in response.json()
    assert not InformationItem.objects.filter(title="Judul").exists()
