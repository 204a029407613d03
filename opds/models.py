"""The OPD registry (regional agencies) and the portal's users."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OpdQuerySet(models.QuerySet["Opd"]):
    """Reusable filters over the registry."""

    def valid_on(self, day: datetime.date) -> OpdQuerySet:
        """OPDs that legally existed on ``day``; old names stay for old months."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self) -> OpdQuerySet:
        """OPDs that exist today (Asia/Jakarta)."""
        return self.valid_on(timezone.localdate())

    def in_registry_order(self) -> OpdQuerySet:
        """Secretariats first, kelurahan last: the order of the Perda."""
        rank = models.Case(
            *(
                models.When(kind=kind, then=models.Value(position))
                for position, kind in enumerate(Opd.Kind.values)
            ),
            output_field=models.IntegerField(),
        )
        return self.order_by(rank, "name")

    def active(self) -> OpdQuerySet:
        """OPDs that exist today and take part in the portal."""
        return self.current().filter(is_active=True)


class Opd(models.Model):
    """A regional agency (Organisasi Perangkat Daerah) and PPID Pelaksana.

    Rows are never deleted when the structure changes: a merged OPD gets a
    ``valid_to`` date and its successor lists it among its predecessors, so
    reports for earlier months keep the names that applied then.
    """

    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("Secretariat")
        INSPEKTORAT = "inspektorat", _("Inspectorate")
        BADAN = "badan", _("Agency (badan)")
        DINAS = "dinas", _("Service office (dinas)")
        SATPOL = "satpol", _("Civil service police unit")
        RSUD = "rsud", _("Regional hospital")
        KECAMATAN = "kecamatan", _("Sub-district (kecamatan)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent OPD"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("A kelurahan sits under its kecamatan."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    head_name = models.CharField(_("head's name"), max_length=200, blank=True)
    head_title = models.CharField(_("head's title"), max_length=200, blank=True)
    ppid_contact_name = models.CharField(
        _("PPID Pelaksana contact person"), max_length=200, blank=True
    )
    ppid_contact_email = models.EmailField(_("PPID Pelaksana e-mail"), blank=True)
    ppid_contact_phone = models.CharField(
        _("PPID Pelaksana phone"), max_length=40, blank=True
    )
    ppid_publishing_delegated = models.BooleanField(
        _("may publish its own PPID items"),
        default=False,
        help_text=_("Set by PPID Utama: the OPD admin publishes without review."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive OPDs are kept for history but take no new data."),
    )
    valid_from = models.DateField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("Empty when the OPD existed before the portal's records."),
    )
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Last day the OPD existed; empty while it still exists."),
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("OPDs merged or renamed into this one."),
    )

    objects = OpdQuerySet.as_manager()

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPDs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_valid_from",
                violation_error_message=_(
                    "The end of validity cannot be before its start."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("An OPD cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("opds:opd-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.kind == self.Kind.KELURAHAN:
            if self.parent is None or self.parent.kind != self.Kind.KECAMATAN:
                raise ValidationError(
                    {"parent": _("A kelurahan must sit under a kecamatan.")}
                )
        elif self.parent is not None and self.kind == self.Kind.KECAMATAN:
            raise ValidationError({"parent": _("A kecamatan has no parent OPD.")})
        if (
            self.pk
            and self.kind != self.Kind.KECAMATAN
            and self.children.filter(kind=self.Kind.KELURAHAN).exists()
        ):
            raise ValidationError(
                {"kind": _("This OPD has kelurahan under it, so it stays a kecamatan.")}
            )

    def is_valid_on(self, day: datetime.date) -> bool:
        """Whether the OPD legally existed on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class User(AbstractUser):
    """A staff account; citizens use the portal without one.

    The role decides what the account may do (see ``opds.permissions``);
    an OPD admin is tied to exactly one OPD.
    """

    class Role(models.TextChoices):
        DINKOMINFO = "dinkominfo", _("Dinkominfo evaluation team")
        PPID_UTAMA = "ppid_utama", _("PPID Utama")
        ATASAN_PPID = "atasan_ppid", _("Atasan PPID")
        OPD_ADMIN = "opd_admin", _("OPD admin (PPID Pelaksana)")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admins",
        help_text=_("Required for an OPD admin, empty for every other role."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="opd_admin") & Q(opd__isnull=False))
                | (~Q(role="opd_admin") & Q(opd__isnull=True)),
                name="%(app_label)s_%(class)s_opd_iff_opd_admin",
                violation_error_message=_(
                    "An OPD admin needs exactly one OPD; other roles have none."
                ),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == self.Role.OPD_ADMIN and self.opd_id is None:
            raise ValidationError({"opd": _("An OPD admin must belong to an OPD.")})
        if self.role != self.Role.OPD_ADMIN and self.opd_id is not None:
            raise ValidationError({"opd": _("Only an OPD admin belongs to an OPD.")})


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove a recorded audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads only: history is written once and never rewritten."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def _raw_delete(self, using):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One security-relevant event: who, when, what, from which address.

    Written only by ``opds.audit.record``; append-only in the ORM and, on
    PostgreSQL, in the database (a trigger refuses UPDATE, DELETE and
    TRUNCATE). Personal data is never copied here, only that it changed.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOGOUT = "logout", _("Logged out")
        DENIED = "denied", _("Refused authorisation")
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Changed")
        DELETED = "deleted", _("Deleted")
        REPORT_BUILT = "report_built", _("Monthly report computed")
        EXPORTED = "exported", _("Audit log exported")
        # Personal data protection (UU 27/2022): who read a requester's NIK.
        PERSONAL_DATA_READ = "personal_read", _("Personal data read")

    class Source(models.TextChoices):
        REQUEST = "request", _("Web or API request")
        TASK = "task", _("Background task")
        SYSTEM = "system", _("Command or system")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # No database constraint and no cascade: deleting an account must
    # neither fail on nor rewrite the history that names it.
    actor = models.ForeignKey(
        "opds.User",
        verbose_name=_("actor"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(
        _("user name"),
        max_length=150,
        blank=True,
        help_text=_("As it was at the time; for a failed log-in, the name tried."),
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.SYSTEM
    )
    source_name = models.CharField(
        _("where"),
        max_length=300,
        blank=True,
        help_text=_("The request's method and path, or the task or command name."),
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(
        _("changes"),
        default=dict,
        blank=True,
        help_text=_("Field: [before, after]; personal data only as redacted."),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        # Nobody may be granted add, change or delete: only code writes here.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="opds_audit_object"),
            models.Index(fields=["action", "-at"], name="opds_audit_action_at"),
        ]

    def __str__(self) -> str:
        return "{} {} {}".format(
            self.at.isoformat(timespec="seconds") if self.at else "",
            self.action,
            self.actor_username or "-",
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")
