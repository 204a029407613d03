"""The aspiration inbox: one case per conversation with a citizen.

A case gathers a top-level comment with its replies, a direct-message or
WhatsApp thread, or one submission of the portal's form. Its states follow
SP4N-LAPOR!'s handling (verify, route to the OPD, follow up, close); its
clocks count working days on the portal's calendar
(``aspirations.inbox.clocks``). Every step is a ``CaseEvent`` and an entry in
the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aspirations import events
from opds.models import Opd


class Channel(models.TextChoices):
    """Where a conversation happens: the platform and the kind of thread."""

    WHATSAPP = events.WHATSAPP, _("WhatsApp")
    INSTAGRAM_COMMENT = events.INSTAGRAM_COMMENT, _("Instagram comment")
    INSTAGRAM_MESSAGE = events.INSTAGRAM_MESSAGE, _("Instagram message")
    FACEBOOK_COMMENT = events.FACEBOOK_COMMENT, _("Facebook comment")
    MESSENGER = events.MESSENGER, _("Messenger")
    YOUTUBE_COMMENT = events.YOUTUBE_COMMENT, _("YouTube comment")
    TIKTOK_COMMENT = events.TIKTOK_COMMENT, _("TikTok comment")
    PORTAL = events.PORTAL, _("Portal form")


# Channels whose first response is held to the 1×24-hour rule of the Matur
# Mas Bupati SOP (social media and WhatsApp); the portal's form is not.
SOCIAL_CHANNELS = frozenset(Channel.values) - {Channel.PORTAL}
COMMENT_CHANNELS = frozenset(
    {
        Channel.INSTAGRAM_COMMENT,
        Channel.FACEBOOK_COMMENT,
        Channel.YOUTUBE_COMMENT,
        Channel.TIKTOK_COMMENT,
    }
)


class Kind(models.TextChoices):
    """SP4N-LAPOR!'s classifications, with a question and spam for triage."""

    ASPIRATION = "aspiration", _("Aspiration")
    COMPLAINT = "complaint", _("Complaint")
    QUESTION = "question", _("Question")
    INFORMATION_REQUEST = "information_request", _("Information request")
    WHISTLEBLOWING = "whistleblowing", _("Whistle-blowing")
    SPAM = "spam", _("Spam or abuse")


class State(models.TextChoices):
    """Where a case stands (LAPOR!'s stages, and how a case leaves the inbox)."""

    NEW = "new", _("New")
    POSTPONED = "postponed", _("Postponed")
    VERIFIED = "verified", _("Verified")
    ROUTED = "routed", _("Routed to the OPD")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    AUTO_CLOSED = "auto_closed", _("Closed automatically")
    REFERRED_LAPOR = "referred_lapor", _("Referred to SP4N-LAPOR!")
    CONVERTED_PPID = "converted_ppid", _("Converted to an information request")
    ARCHIVED = "archived", _("Archived")


# States a case does not leave by itself; a new message on a closed
# conversation of a thread channel opens a new case.
FINAL_STATES = frozenset(
    {
        State.CLOSED,
        State.AUTO_CLOSED,
        State.REFERRED_LAPOR,
        State.CONVERTED_PPID,
        State.ARCHIVED,
    }
)
OPEN_STATES = frozenset(State.values) - FINAL_STATES


class WhatsAppLine(models.Model):
    """A WhatsApp Business number the portal receives on (Cloud API).

    Lapor MasBuP is the regency's own line (no OPD: the coordinator routes
    what arrives); an OPD may have its own line, whose messages are
    suggested to that OPD.
    """

    name = models.CharField(_("name"), max_length=100)
    phone_number_id = models.CharField(_("phone number ID"), max_length=40, unique=True)
    display_number = models.CharField(_("number shown"), max_length=30)
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="whatsapp_lines",
        help_text=_("Empty for the regency's line (routed by the coordinator)."),
    )
    access_token_encrypted = models.TextField(_("access token (encrypted)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("WhatsApp line")
        verbose_name_plural = _("WhatsApp lines")

    def __str__(self) -> str:
        return "{} ({})".format(self.name, self.display_number)


class Contact(models.Model):
    """A citizen as one channel knows them (a WhatsApp number, an Instagram
    user, a YouTube channel), or as the portal's form recorded them."""

    platform = models.CharField(_("platform"), max_length=20)
    external_id = models.CharField(_("ID on the platform"), max_length=200)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # A WhatsApp number is personal data: stored encrypted, shown masked.
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True)
    phone_masked = models.CharField(_("phone (masked)"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="aspirations_contact_once"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.phone_masked or self.external_id


class CaseQuerySet(models.QuerySet["Case"]):
    """Reads of cases that pages, the API and the clocks share."""

    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def for_opd(self, opd: Opd) -> CaseQuerySet:
        return self.filter(opd=opd)


class Case(models.Model):
    """One conversation with a citizen, from arrival to closing."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    # The conversation on the platform (see events.Inbound.thread_key); the
    # tracking code's hash for the portal's form.
    thread_key = models.CharField(_("conversation ID"), max_length=200, blank=True)
    account = models.ForeignKey(
        "socialposts.SocialAccount",
        verbose_name=_("account written to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aspiration_cases",
    )
    whatsapp_line = models.ForeignKey(
        WhatsAppLine,
        verbose_name=_("WhatsApp line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    post_external_id = models.CharField(
        _("post commented on"), max_length=200, blank=True
    )
    permalink = models.URLField(_("link"), max_length=500, blank=True)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=30, choices=Kind.choices, default=Kind.ASPIRATION
    )
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    triage_reason = models.TextField(_("why the triage chose this"), blank=True)
    triage_corrected = models.BooleanField(_("corrected by staff"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.NEW
    )
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD handling it"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aspiration_cases",
    )
    suggested_opd = models.ForeignKey(
        Opd,
        verbose_name=_("suggested OPD"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The same matter reported by many: the first report leads the cluster.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("same matter as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("The citizen's name is not shown to the OPD."),
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the coordinator and the OPD handling it see the case."),
    )
    kecamatan = models.ForeignKey(
        Opd,
        verbose_name=_("kecamatan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Opd.Kind.KECAMATAN},
    )
    village = models.CharField(
        _("village (desa/kelurahan)"), max_length=100, blank=True
    )
    tracking_code_hash = models.CharField(
        _("tracking code (hash)"), max_length=128, blank=True
    )
    # When it arrived, and the clocks computed from it (aspirations.inbox.clocks).
    received_at = models.DateTimeField(_("received at"), db_index=True)
    first_response_due = models.DateTimeField(
        _("first response due"), null=True, blank=True
    )
    routing_due = models.DateField(_("routing due"), null=True, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    auto_close_on = models.DateField(
        _("closes automatically on"), null=True, blank=True
    )
    first_response_at = models.DateTimeField(
        _("first responded at"), null=True, blank=True
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_citizen_message_at = models.DateTimeField(
        _("citizen's last message at"), null=True, blank=True
    )
    postponed_until = models.DateField(_("postponed until"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    personal_data_exposed = models.BooleanField(
        _("public text exposes personal data"),
        default=False,
        help_text=_("A public comment shows a phone number or NIK: hide it."),
    )
    ppid_request = models.OneToOneField(
        "ppid.InformationRequest",
        verbose_name=_("information request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aspiration_case",
    )
    lapor_tracking_id = models.CharField(
        _("SP4N-LAPOR! tracking ID"), max_length=40, blank=True
    )
    lapor_status = models.CharField(_("SP4N-LAPOR! status"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("aspiration case")
        verbose_name_plural = _("aspiration cases")
        ordering = ["-received_at"]
        constraints = [
            # One open case per conversation: a redelivered or racing message
            # joins it instead of opening a second one.
            models.UniqueConstraint(
                fields=["channel", "thread_key"],
                condition=~Q(thread_key="")
                & Q(state__in=sorted(str(state) for state in OPEN_STATES)),
                name="aspirations_case_open_thread_once",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "opd"], name="aspirations_case_state_opd"),
            models.Index(
                fields=["channel", "thread_key"], name="aspirations_case_thread"
            ),
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.number, self.title)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Message(models.Model):
    """One message of a case, from the citizen or from the OPD, in order."""

    class Direction(models.TextChoices):
        IN = events.IN, _("From the citizen")
        OUT = events.OUT, _("From the OPD")

    class Delivery(models.TextChoices):
        RECEIVED = "received", _("Received")
        QUEUED = "queued", _("Being sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    class ReplyKind(models.TextChoices):
        NONE = "", _("None")
        PUBLIC = "public", _("Public reply")
        PRIVATE = "private", _("Private reply")
        MESSAGE = "message", _("Message")
        TEMPLATE = "template", _("Template message")
        NOTE = "note", _("Internal note")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="messages"
    )
    platform = models.CharField(_("platform"), max_length=20)
    # Unique per platform when known; redelivered events find it and change nothing.
    external_id = models.CharField(_("ID on the platform"), max_length=200, blank=True)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices
    )
    reply_kind = models.CharField(
        _("reply kind"), max_length=10, choices=ReplyKind.choices, blank=True
    )
    parent_external_id = models.CharField(_("in reply to"), max_length=200, blank=True)
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    text = models.TextField(_("text"), max_length=10000)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Sent from the platform's own app, not from the portal (an echo event).
    from_native_app = models.BooleanField(
        _("sent in the platform's app"), default=False
    )
    delivery = models.CharField(
        _("delivery"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.RECEIVED,
    )
    delivery_error = models.CharField(_("delivery error"), max_length=300, blank=True)
    hidden_on_platform = models.BooleanField(_("hidden on the platform"), default=False)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=~Q(external_id=""),
                name="aspirations_message_once",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class CaseEvent(models.Model):
    """One step of a case: who did what, from which state to which."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("Received")
        VERIFIED = "verified", _("Verified")
        POSTPONED = "postponed", _("Postponed")
        ROUTED = "routed", _("Routed")
        NOT_OURS = "not_ours", _("Not ours: sent back for re-routing")
        STARTED = "started", _("Taken up")
        REPLIED = "replied", _("Replied")
        ANSWERED = "answered", _("Follow-up recorded")
        CITIZEN_REPLIED = "citizen_replied", _("Citizen replied")
        CLOSED = "closed", _("Closed")
        AUTO_CLOSED = "auto_closed", _("Closed automatically")
        ARCHIVED = "archived", _("Archived")
        REOPENED = "reopened", _("Reopened")
        CORRECTED = "corrected", _("Triage corrected")
        MERGED = "merged", _("Marked as the same matter")
        CONVERTED_PPID = "converted_ppid", _("Converted to an information request")
        REFERRED_LAPOR = "referred_lapor", _("Referred to SP4N-LAPOR!")
        LAPOR_STATUS = "lapor_status", _("SP4N-LAPOR! status updated")
        ESCALATED = "escalated", _("Escalated to the head of the OPD")
        HIDDEN = "hidden", _("Comment hidden")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # For a triage correction: the field, the old and the new value.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return "{} {}".format(self.case_id, self.action)


class CannedResponse(models.Model):
    """A ready answer in Bahasa Indonesia, for one OPD or for all."""

    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        help_text=_("Empty: offered to every OPD."),
    )
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=2000)
    # WhatsApp's approved template this answer is sent as outside the window.
    whatsapp_template = models.CharField(
        _("WhatsApp template name"), max_length=100, blank=True
    )

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """A webhook delivery as it arrived: the raw body, kept for replay.

    The view stores it and acknowledges; a Celery task reads it into cases.
    A rejected delivery keeps its reason and is never processed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        PROCESSED = "processed", _("Processed")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=20)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    body = models.BinaryField(_("raw body"))
    signature = models.CharField(_("signature header"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    messages_stored = models.PositiveIntegerField(_("messages stored"), default=0)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["status", "received_at"], name="aspirations_delivery_status"
            )
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.source, self.received_at)


def case_file_path(instance: CaseFile, filename: str) -> str:
    """Files of a case under its own folder; the name was cleaned by the gate."""
    return "aspirations/{}/{}".format(instance.case_id, filename)


class CaseFile(models.Model):
    """A file the citizen attached on the portal's form (through the upload gate)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=case_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
