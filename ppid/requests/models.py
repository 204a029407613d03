"""Information requests (permohonan), objections (keberatan) and disputes
(sengketa) under UU 14/2008 Pasal 22 and 35-37, with their legal clocks.

Deadlines are stored as dates so staff pages can filter and sort on them;
they are computed on the working-day calendar by ``ppid.requests.services``
and computed again when the calendar's overrides change.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePosixPath
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opds.models import Opd
from ppid.catalogue.models import ExclusionDecision, InformationItem


class RegisterCounter(models.Model):
    """The last number given in one register in one year.

    Numbers are gapless and in order of registration, as a paper register
    book is; the row is locked while a number is taken.
    """

    class Register(models.TextChoices):
        REQUEST = "request", _("Requests")
        OBJECTION = "objection", _("Objections")

    register = models.CharField(_("register"), max_length=20, choices=Register.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("register counter")
        verbose_name_plural = _("register counters")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year"], name="ppid_register_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return "{} {}: {}".format(self.register, self.year, self.last)


class RequesterType(models.TextChoices):
    PERORANGAN = "perorangan", _("Individual")
    KELOMPOK = "kelompok", _("Group of people")
    BADAN_HUKUM = "badan_hukum", _("Legal entity")


class AccessMethod(models.TextChoices):
    MELIHAT = "melihat", _("See, read, listen to or take notes")
    SALINAN = "salinan", _("Get a copy")


class CopyFormat(models.TextChoices):
    SOFTCOPY = "softcopy", _("Softcopy")
    HARDCOPY = "hardcopy", _("Hardcopy")


class DeliveryMethod(models.TextChoices):
    LANGSUNG = "langsung", _("Collect in person")
    KURIR = "kurir", _("Courier")
    POS = "pos", _("Post")
    FAKSIMILI = "faksimili", _("Fax")
    EMAIL = "email", _("E-mail")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    LANGSUNG = "langsung", _("In person")
    SURAT = "surat", _("Letter")
    EMAIL = "email", _("E-mail")
    TELEPON = "telepon", _("Telephone")
    # A citizen's message in the aspiration inbox, turned into a request.
    ASPIRASI = "aspirasi", _("Social media, WhatsApp or the aspiration form")


class HeldForm(models.TextChoices):
    """The form in which the body holds the information (Perki register
    column "bentuk informasi yang dikuasai"; domain.md §3.5)."""

    SOFTCOPY = "softcopy", _("Softcopy")
    HARDCOPY = "hardcopy", _("Hardcopy")
    BOTH = "both", _("Softcopy and hardcopy")


class Tariff(models.Model):
    """What an OPD charges to copy and deliver information (UU 14/2008
    Pasal 22(7)g; domain.md §3.4 and §8).

    Information itself is free: only copying, storage media and delivery
    may be charged, at cost. An OPD without a tariff charges nothing.
    """

    opd = models.OneToOneField(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.CASCADE,
        related_name="request_tariff",
    )
    copy_per_page = models.PositiveIntegerField(_("copying, per page (Rp)"), default=0)
    media_per_item = models.PositiveIntegerField(
        _("storage medium, per item (Rp)"),
        default=0,
        help_text=_("A CD, DVD or flash disk the copy is handed over on."),
    )
    postage = models.PositiveIntegerField(
        _("post or courier, per delivery (Rp)"), default=0
    )
    payment_methods = models.TextField(
        _("how to pay"),
        max_length=1000,
        blank=True,
        help_text=_("Where and how requesters pay; stated in every written notice."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["opd__name"]

    def __str__(self) -> str:
        return str(self.opd)

    @property
    def is_free(self) -> bool:
        return not (self.copy_per_page or self.media_per_item or self.postage)


class InformationRequestQuerySet(models.QuerySet["InformationRequest"]):
    def open(self) -> InformationRequestQuerySet:
        """Requests still waiting for their written answer."""
        return self.exclude(
            status__in=[
                InformationRequest.Status.ANSWERED,
                InformationRequest.Status.CLOSED,
            ]
        )

    def needing_attention(self, soon: datetime.date) -> InformationRequestQuerySet:
        """Open requests with a deadline by ``soon`` (2 working days ahead) or
        overdue: the legal answer (UU Pasal 22(7)-(8)) unless its clock is
        paused, and the two Perbup 31/2022 deadlines while they apply."""
        Status = InformationRequest.Status
        legal = Q(answer_due_on__lte=soon) & ~Q(
            status=Status.INCOMPLETE, clock_paused=True
        )
        completeness = Q(
            status__in=InformationRequest.UNCHECKED_STATUSES,
            completeness_due_on__lte=soon,
        )
        local = Q(local_due_on__lte=soon)
        return self.open().filter(legal | completeness | local)


class Deadline(NamedTuple):
    """One running deadline of a request, for the flags on staff pages."""

    kind: str
    label: str
    due: datetime.date


class LocalDeadlineRule(models.Model):
    """The Perbup's periods in force for requests received from a date on.

    Purbalingga's own clock (Perbup 31/2022, domain.md §3.3): completeness
    checked within a number of working days of receipt, the answer within
    a number of working days of completeness. Kept as data with its source
    so that a new Perbup does not re-score requests received before it.
    """

    effective_from = models.DateField(_("in force from"), unique=True)
    completeness_days = models.PositiveSmallIntegerField(
        _("working days to check completeness")
    )
    answer_days = models.PositiveSmallIntegerField(
        _("working days to answer once complete")
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The regulation, e.g. Perbup Purbalingga No. 31 Tahun 2022."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("Perbup deadline rule")
        verbose_name_plural = _("Perbup deadline rules")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completeness_days__gte=1, answer_days__gte=1),
                name="ppid_local_rule_days_positive",
                violation_error_message=_("Periods are at least one working day."),
            )
        ]

    def __str__(self) -> str:
        return "{} ({})".format(self.effective_from.isoformat(), self.source)


# Text limits: every free-text field has one, so nobody fills the register
# with megabytes through the public form.
NAME_MAX = 200
SHORT_MAX = 200
LONG_MAX = 4000


class InformationRequest(models.Model):
    """A request for public information and its written answer (UU Pasal 22)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REGISTERED = "registered", _("Registered")
        INCOMPLETE = "incomplete", _("Incomplete")
        IN_PROCESS = "in_process", _("In process")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Decision(models.TextChoices):
        GRANTED_FULL = "granted_full", _("Granted in full")
        GRANTED_PARTIAL = "granted_partial", _("Granted in part")
        REFUSED_EXCLUDED = "refused_excluded", _("Refused: excluded information")
        NOT_CONTROLLED = "not_controlled", _("Not held by this public body")
        NOT_DOCUMENTED = "not_documented", _("Not yet held or documented")
        INCOMPLETE_REQUEST = (
            "incomplete_request",
            _("Request does not meet the requirements"),
        )

    registration_number = models.CharField(
        _("registration number"), max_length=32, unique=True, editable=False
    )
    tracking_code_hash = models.CharField(
        _("tracking code (hashed)"), max_length=64, editable=False
    )
    requester_type = models.CharField(
        _("requester type"), max_length=20, choices=RequesterType.choices
    )
    full_name = models.CharField(_("full name"), max_length=NAME_MAX)
    nik_encrypted = models.TextField(_("NIK (encrypted)"), blank=True, editable=False)
    nik_masked = models.CharField(_("NIK"), max_length=16, blank=True, editable=False)
    legal_entity_decree_no = models.CharField(
        _("legal entity decree number"), max_length=SHORT_MAX, blank=True
    )
    address = models.CharField(_("address"), max_length=500)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=SHORT_MAX, blank=True)
    requested_information = models.TextField(
        _("information requested"), max_length=LONG_MAX
    )
    purpose = models.TextField(_("purpose"), max_length=LONG_MAX)
    access_method = models.CharField(
        _("how to obtain it"), max_length=20, choices=AccessMethod.choices
    )
    copy_format = models.CharField(
        _("copy format"), max_length=20, choices=CopyFormat.choices, blank=True
    )
    delivery_method = models.CharField(
        _("delivery"), max_length=20, choices=DeliveryMethod.choices
    )
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="information_requests",
        help_text=_("The agency asked, or the one PPID Utama routed it to."),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    received_on = models.DateField(_("received on"))
    received_at = models.DateTimeField(
        _("received at"),
        null=True,
        blank=True,
        help_text=_("The moment of receipt; empty when staff recorded only the date."),
    )
    deemed_received_on = models.DateField(
        _("counted as received on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The working day the clocks count from: a request received outside "
            "working days or office hours counts from the next working day "
            "(setting PPID_RECEIPT_OUTSIDE_HOURS). Empty on older requests, "
            "which count from the day of receipt."
        ),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )

    # The legal clock (UU Pasal 22(7)-(8)): from receipt.
    due_on = models.DateField(_("answer due"), editable=False)
    extended_due_on = models.DateField(
        _("answer due after extension"), null=True, blank=True, editable=False
    )
    answer_due_on = models.DateField(
        _("answer due (in force)"),
        editable=False,
        db_index=True,
        help_text=_("The extended date once extended, else the first."),
    )
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extension_reason = models.TextField(
        _("reason for the extension"), max_length=LONG_MAX, blank=True
    )
    # The local clock (Perbup Purbalingga 31/2022): completeness checked
    # within 3 working days, then 10 working days from completeness.
    completeness_due_on = models.DateField(_("completeness check due"), editable=False)
    completed_on = models.DateField(_("declared complete on"), null=True, blank=True)
    local_due_on = models.DateField(
        _("answer due (Perbup 31/2022)"), null=True, blank=True, editable=False
    )
    incomplete_reason = models.TextField(
        _("what is missing"), max_length=LONG_MAX, blank=True
    )
    incomplete_on = models.DateField(
        _("declared incomplete on"), null=True, blank=True, editable=False
    )
    clock_paused = models.BooleanField(
        _("legal clock paused while incomplete"),
        default=False,
        editable=False,
        help_text=_(
            "Set when the request was declared incomplete, from the setting "
            "PPID_CLOCK_PAUSES_WHILE_INCOMPLETE in force then."
        ),
    )

    decision = models.CharField(
        _("decision"), max_length=30, choices=Decision.choices, blank=True
    )
    answer_letter = models.TextField(_("written notice"), max_length=20000, blank=True)
    redaction_notes = models.TextField(
        _("what was blacked out and why"), max_length=LONG_MAX, blank=True
    )
    exclusion_ground = models.CharField(
        _("Pasal 17 ground"),
        max_length=1,
        choices=ExclusionDecision.Ground.choices,
        blank=True,
    )
    excluded_item = models.ForeignKey(
        InformationItem,
        verbose_name=_("DIK entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refused_requests",
    )
    referred_body = models.CharField(
        _("public body that holds it"), max_length=SHORT_MAX, blank=True
    )
    answered_on = models.DateField(
        _("answered on"),
        null=True,
        blank=True,
        help_text=_("The date of the written notice: the letter's date on paper."),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer_entered_on = models.DateField(
        _("answer entered on"), null=True, blank=True, editable=False
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    # The register's columns about the information given (domain.md §3.5).
    held_form = models.CharField(
        _("form of the information held"),
        max_length=20,
        choices=HeldForm.choices,
        blank=True,
    )
    delivered_on = models.DateField(
        _("information handed over on"),
        null=True,
        blank=True,
        help_text=_("Recorded by staff when the requester received it."),
    )
    # The cost in the written notice (UU Pasal 22(7)g), fixed when it is
    # sent: a later change of the tariff does not change what was charged.
    copy_pages = models.PositiveIntegerField(_("pages copied"), default=0)
    media_items = models.PositiveIntegerField(_("storage media"), default=0)
    cost = models.PositiveIntegerField(_("cost (Rp)"), default=0)
    cost_detail = models.CharField(
        _("how the cost was reckoned"), max_length=SHORT_MAX * 2, blank=True
    )
    payment_method = models.TextField(_("how to pay"), max_length=1000, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(
        _("receipt number"), max_length=100, blank=True
    )

    objects = InformationRequestQuerySet.as_manager()

    # Waiting for the completeness check (Perbup 31/2022).
    UNCHECKED_STATUSES = (Status.SUBMITTED, Status.REGISTERED)

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "answer_due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(answered_on__isnull=False),
                name="ppid_request_decision_has_date",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(cost__gt=0),
                name="ppid_request_paid_has_cost",
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number

    def get_absolute_url(self) -> str:
        return reverse("ppid:request-staff-detail", kwargs={"number": self.url_key})

    @property
    def url_key(self) -> str:
        """The registration number without its slashes, for URLs."""
        return self.registration_number.replace("/", "-")

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.ANSWERED, self.Status.CLOSED)

    @property
    def was_extended(self) -> bool:
        return self.extended_on is not None

    @property
    def gives_information(self) -> bool:
        """Whether the written notice gives the information, in full or in
        part: only then is anything handed over, or charged."""
        return self.decision in (
            self.Decision.GRANTED_FULL,
            self.Decision.GRANTED_PARTIAL,
        )

    @property
    def has_cost(self) -> bool:
        """Whether the written notice set a cost: objection ground f
        (UU Pasal 35(1)f, unreasonable fees) needs one to judge."""
        return self.cost > 0

    @property
    def counted_from(self) -> datetime.date:
        """The day the clocks count from (the day of receipt on older rows)."""
        return self.deemed_received_on or self.received_on

    @property
    def is_paused(self) -> bool:
        """The legal clock waits for the requester to complete the request."""
        return self.status == self.Status.INCOMPLETE and self.clock_paused

    @property
    def answer_was_backdated(self) -> bool:
        """The answer carries the date of a paper letter sent before its entry."""
        return bool(
            self.answered_on
            and self.answer_entered_on
            and self.answered_on != self.answer_entered_on
        )

    @property
    def pending_deadlines(self) -> list[Deadline]:
        """The deadlines still running, the earliest first: the legal answer
        (UU Pasal 22(7)-(8)) unless paused, the Perbup 31/2022 completeness
        check until it is done, and the Perbup answer once complete."""
        if not self.is_open:
            return []
        pending = []
        if not self.is_paused:
            pending.append(
                Deadline("answer", _("Written answer (UU 14/2008)"), self.answer_due_on)
            )
        if self.status in self.UNCHECKED_STATUSES and self.completeness_due_on:
            pending.append(
                Deadline(
                    "completeness",
                    _("Completeness check (Perbup 31/2022)"),
                    self.completeness_due_on,
                )
            )
        if self.local_due_on:
            pending.append(
                Deadline("local", _("Answer (Perbup 31/2022)"), self.local_due_on)
            )
        return sorted(pending, key=lambda d: d.due)

    def answered_on_time(self) -> bool | None:
        """Whether the written answer came within the deadline in force."""
        if self.answered_on is None:
            return None
        return self.answered_on <= self.answer_due_on


def request_file_path(instance: RequestFile, filename: str) -> str:
    # Private folder, generated name: identity scans must never be guessable.
    extension = PurePosixPath(filename).suffix.lower()
    return "requests/{}{}".format(uuid.uuid4().hex, extension)


class RequestFile(models.Model):
    """A file of a request: the requester's identity scan or the answer's files."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity document")
        ANSWER = "answer", _("Answer")
        OBJECTION_ANSWER = "objection_answer", _("Answer to an objection")
        # The evidence of a paper answer's date.
        ANSWER_LETTER = "answer_letter", _("Scan of the signed answer letter")

    request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("information request"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=request_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request file")
        verbose_name_plural = _("request files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class RequestEvent(models.Model):
    """One step in the life of a request or its objection. Never edited."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REGISTERED = "registered", _("Registered")
        ROUTED = "routed", _("Routed to an OPD")
        INCOMPLETE = "incomplete", _("Declared incomplete")
        COMPLETED = "completed", _("Declared complete")
        EXTENDED = "extended", _("Deadline extended")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        OBJECTION_FILED = "objection_filed", _("Objection filed")
        OBJECTION_ANSWERED = "objection_answered", _("Objection answered")
        OBJECTION_ACCEPTED = "objection_accepted", _("Requester accepted the answer")
        DISPUTE_FILED = "dispute_filed", _("Dispute taken to the Komisi Informasi")
        DISPUTE_RESULT = "dispute_result", _("Result of the dispute recorded")
        IDENTITY_DELETED = "identity_deleted", _("Identity document deleted")
        DEADLINES_RECOMPUTED = "deadlines_recomputed", _("Deadlines recomputed")
        PAID = "paid", _("Payment recorded")
        DELIVERED = "delivered", _("Information handed over")
        ORDER_ISSUED = "order_issued", _("PPID ordered to act on the objection")
        ORDER_COMPLIED = "order_complied", _("New answer after the objection")

    request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("information request"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(
        _("shown to the requester"),
        default=True,
        help_text=_("Internal steps such as routing stay on the staff pages."),
    )

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return "{} {}".format(self.request_id, self.action)


class ObjectionQuerySet(models.QuerySet["Objection"]):
    """Reads of the objection register, including the PPID's orders.

    An order exists when the Atasan PPID grants an objection
    (``Decision.OVERTURNED``): the PPID must act by ``order_due_on``
    (``PPID_OBJECTION_ORDER_WORKING_DAYS``; the law sets no such deadline).
    """

    def ordered(self) -> ObjectionQuerySet:
        """Objections whose decision ordered the PPID to act."""
        return self.filter(order_due_on__isnull=False)

    def orders_pending(self) -> ObjectionQuerySet:
        """Orders the PPID has not yet acted on."""
        return self.ordered().filter(order_done_on__isnull=True)

    def order_overdue(self, on: datetime.date) -> ObjectionQuerySet:
        """Orders still not acted on after their deadline, as seen on ``on``."""
        return self.orders_pending().filter(order_due_on__lt=on)

    def order_missed(self, on: datetime.date) -> ObjectionQuerySet:
        """Orders whose deadline had passed by ``on`` without the PPID acting
        in time: still pending, or acted on after the deadline."""
        return self.ordered().filter(
            Q(order_done_on__isnull=True) | Q(order_done_on__gt=F("order_due_on")),
            order_due_on__lt=on,
        )

    def order_needing_attention(self, soon: datetime.date) -> ObjectionQuerySet:
        """Pending orders due by ``soon`` or overdue (the daily digest)."""
        return self.orders_pending().filter(order_due_on__lte=soon)

    def answer_overdue(self, on: datetime.date) -> ObjectionQuerySet:
        """Objections the Atasan PPID has not answered by their deadline."""
        return self.filter(status=Objection.Status.FILED, due_on__lt=on)

    def answer_needing_attention(self, soon: datetime.date) -> ObjectionQuerySet:
        """Objections awaiting the Atasan PPID's answer, due by ``soon`` or
        overdue (the work queues of the dashboard and the navbar)."""
        return self.filter(status=Objection.Status.FILED, due_on__lte=soon)


class Objection(models.Model):
    """An objection to the Atasan PPID (UU Pasal 35-36).

    Grounds a and c-g hang on a request; ground b (periodic information not
    provided) is filed against an OPD with no request, by someone whose
    identity the objection then holds itself. Each ground's precondition is
    in ``ppid.requests.grounds``.
    """

    class Reason(models.TextChoices):
        A = "a", _("a. the request was refused under an exclusion (Pasal 17)")
        B = "b", _("b. periodic information was not provided (Pasal 9)")
        C = "c", _("c. the request was not responded to")
        D = "d", _("d. the response was not what was asked for")
        E = "e", _("e. the request was not fulfilled")
        F = "f", _("f. an unreasonable fee was charged")
        G = "g", _("g. the information came later than the law allows")

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        ANSWERED = "answered", _("Answered")
        ACCEPTED = "accepted", _("Accepted by the requester")
        DISPUTED = "disputed", _("Taken to the Komisi Informasi")

    class Decision(models.TextChoices):
        # Named after the PPID's answer: UPHELD rejects the objection,
        # OVERTURNED grants it (the objection is upheld) and orders the
        # PPID to act.
        UPHELD = "upheld", _("The PPID's answer is upheld")
        OVERTURNED = "overturned", _("The objection is granted; the PPID must comply")

    objection_number = models.CharField(
        _("objection number"), max_length=32, unique=True, editable=False
    )
    request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("information request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objections",
        help_text=_("None for ground b, which needs no request."),
    )
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("agency objected to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        help_text=_(
            "The agency that did not provide periodic information (ground b), "
            "else the request's agency when the objection was filed."
        ),
    )
    reason = models.CharField(_("ground"), max_length=1, choices=Reason.choices)
    description = models.TextField(_("description"), max_length=LONG_MAX)
    # Who objects, for an objection without a request (ground b); an
    # objection to a request is the requester's.
    full_name = models.CharField(_("full name"), max_length=NAME_MAX, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    tracking_code_hash = models.CharField(
        _("tracking code (hashed)"), max_length=64, blank=True, editable=False
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    filed_on = models.DateField(_("filed on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Staff who recorded an objection made on paper."),
    )
    due_on = models.DateField(_("answer due"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FILED
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, blank=True
    )
    answer = models.TextField(_("answer"), max_length=20000, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_on = models.DateField(_("requester responded on"), null=True, blank=True)
    # The order that follows a granted objection: the PPID acts by a date
    # (a setting: the law sets none) and records a new written answer.
    order_due_on = models.DateField(
        _("PPID must act by"), null=True, blank=True, editable=False, db_index=True
    )
    order_done_on = models.DateField(_("PPID acted on"), null=True, blank=True)
    order_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acted on by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    order_answer = models.TextField(
        _("new answer after the objection"), max_length=20000, blank=True
    )

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False) | Q(opd__isnull=False),
                name="ppid_objection_request_or_opd",
                violation_error_message=_(
                    "An objection names a request or, for ground b, an agency."
                ),
            ),
            models.CheckConstraint(
                condition=Q(order_done_on__isnull=True) | Q(order_due_on__isnull=False),
                name="ppid_objection_done_needs_order",
            ),
        ]

    def __str__(self) -> str:
        return self.objection_number

    def get_absolute_url(self) -> str:
        return reverse("ppid:objection-staff-detail", kwargs={"number": self.url_key})

    @property
    def url_key(self) -> str:
        return self.objection_number.replace("/", "-")

    @property
    def is_granted(self) -> bool:
        """The Atasan PPID granted the objection: the PPID must act."""
        return self.decision == self.Decision.OVERTURNED

    @property
    def order_pending(self) -> bool:
        return self.order_due_on is not None and self.order_done_on is None

    def order_is_missed(self, on: datetime.date) -> bool:
        """The per-object form of ``ObjectionQuerySet.order_missed``."""
        if self.order_due_on is None or self.order_due_on >= on:
            return False
        return self.order_done_on is None or self.order_done_on > self.order_due_on

    @property
    def agency(self) -> Opd | None:
        """The agency the objection is about: the request's, else its own."""
        if self.request_id is not None and self.request.opd_id is not None:
            return self.request.opd
        return self.opd


class Dispute(models.Model):
    """A dispute taken to the Komisi Informasi after an objection (UU Pasal 37),
    and what became of it there and in court (UU Pasal 38-50)."""

    class Mediation(models.TextChoices):
        # UU Pasal 39-40: only for objection grounds b-g; an agreement is
        # final and binding.
        AGREED = "agreed", _("Settled by mediation")
        FAILED = "failed", _("Mediation failed")

    class Adjudication(models.TextChoices):
        # UU Pasal 46: the Komisi Informasi grants the requester's claim in
        # full or in part, or upholds the Atasan PPID; in practice a case may
        # also be withdrawn, lapse or not be accepted.
        GRANTED = "granted", _("Granted in full")
        GRANTED_PARTIAL = "granted_partial", _("Granted in part")
        REJECTED = "rejected", _("Rejected: the Atasan PPID's decision stands")
        DISMISSED = "dismissed", _("Not accepted, withdrawn or lapsed")

    class CourtResult(models.TextChoices):
        UPHELD = "upheld", _("The Komisi Informasi's decision upheld")
        OVERTURNED = "overturned", _("The Komisi Informasi's decision overturned")

    objection = models.OneToOneField(
        Objection,
        verbose_name=_("objection"),
        on_delete=models.CASCADE,
        related_name="dispute",
    )
    filed_on = models.DateField(_("filed with the Komisi Informasi on"))
    filing_deadline = models.DateField(_("filing deadline"), editable=False)
    ki_register_number = models.CharField(
        _("Komisi Informasi register number"), max_length=SHORT_MAX, blank=True
    )
    outcome = models.TextField(_("outcome"), max_length=LONG_MAX, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    mediation_result = models.CharField(
        _("mediation result"), max_length=20, choices=Mediation.choices, blank=True
    )
    adjudication_result = models.CharField(
        _("adjudication result"),
        max_length=20,
        choices=Adjudication.choices,
        blank=True,
    )
    court_filed_on = models.DateField(
        _("taken to court on"),
        null=True,
        blank=True,
        help_text=_(
            "A lawsuit against the adjudication at the administrative court "
            "(PTUN), UU Pasal 47-48."
        ),
    )
    court_result = models.CharField(
        _("court decision"), max_length=20, choices=CourtResult.choices, blank=True
    )

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return "{} (KI)".format(self.objection.objection_number)

    @property
    def is_decided(self) -> bool:
        """Whether the Komisi Informasi has settled it, by mediation or
        adjudication."""
        return bool(
            self.mediation_result == self.Mediation.AGREED or self.adjudication_result
        )
