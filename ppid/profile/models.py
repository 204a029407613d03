"""The PPID's own profile (Profil PPID): the decree that set it up, its
structure, vision and mission, the service notice (maklumat pelayanan), its
SOPs and how to reach it. One row, kept by PPID Utama in the admin.

Indonesian PPID portals are expected to show these (domain.md §6.4; the
monev questionnaire asks for each); none of it is computed.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 10000
SINGLETON_ID = 1


def profile_file_path(instance: models.Model, filename: str) -> str:
    # As the catalogue's files: the client's name never reaches the disk.
    extension = PurePosixPath(filename).suffix.lower()
    return "ppid/profil/{}{}".format(uuid.uuid4().hex, extension)


class PpidProfile(models.Model):
    """The one Profil PPID of the kabupaten (a single row, id 1)."""

    decree_number = models.CharField(
        _("decree number"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Keputusan Bupati Purbalingga Nomor 555/106 Tahun 2014"),
    )
    decree_title = models.CharField(
        _("decree title"),
        max_length=500,
        blank=True,
        help_text=_("What the decree sets up, as written in it."),
    )
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    decree_file = models.FileField(
        _("decree (file)"),
        upload_to=profile_file_path,
        max_length=200,
        blank=True,
        help_text=_("The signed decree: a PDF or an image."),
    )
    structure = models.TextField(
        _("structure"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Who holds each post, one per line (e.g. Atasan PPID: ...)."),
    )
    structure_file = models.FileField(
        _("structure chart (file)"),
        upload_to=profile_file_path,
        max_length=200,
        blank=True,
        help_text=_("The organisation chart: an image or a PDF."),
    )
    vision = models.TextField(_("vision"), max_length=TEXT_MAX, blank=True)
    mission = models.TextField(
        _("mission"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("One point per line."),
    )
    service_notice = models.TextField(
        _("service notice (maklumat pelayanan)"),
        max_length=TEXT_MAX,
        blank=True,
    )
    service_notice_file = models.FileField(
        _("service notice (file)"),
        upload_to=profile_file_path,
        max_length=200,
        blank=True,
        help_text=_("The signed service notice: a PDF or an image."),
    )
    address = models.TextField(_("address"), max_length=1000, blank=True)
    office_hours = models.TextField(
        _("office hours"),
        max_length=1000,
        blank=True,
        help_text=_("One line per group of days, e.g. Senin-Kamis 07.30-16.00."),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    whatsapp = models.CharField(
        _("WhatsApp number"),
        max_length=20,
        blank=True,
        help_text=_("Digits only, starting with 62 or 0, e.g. 6281234567890."),
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

    # The files a visitor may download, by the name used in their URL.
    FILE_FIELDS = {
        "sk": "decree_file",
        "struktur": "structure_file",
        "maklumat": "service_notice_file",
    }

    class Meta:
        verbose_name = _("PPID profile")
        verbose_name_plural = _("PPID profile")
        constraints = [
            models.CheckConstraint(
                condition=Q(id=SINGLETON_ID),
                name="ppid_profile_single_row",
                violation_error_message=_("There is only one PPID profile."),
            )
        ]

    def __str__(self) -> str:
        return str(_("PPID profile"))

    def save(self, *args, **kwargs) -> None:
        # The one row: whoever creates it creates id 1.
        self.pk = SINGLETON_ID
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("ppid:profile")

    def clean(self) -> None:
        digits = "".join(ch for ch in self.whatsapp if ch.isdigit())
        if self.whatsapp and (
            not 9 <= len(digits) <= 15
            or not digits.startswith(("0", "62"))
            or set(self.whatsapp) - set("0123456789 +-")
        ):
            raise ValidationError(
                {
                    "whatsapp": _(
                        "Write the WhatsApp number in digits, starting with 62 "
                        "or 0, e.g. 6281234567890."
                    )
                }
            )

    @property
    def mission_points(self) -> list[str]:
        return [line.strip() for line in self.mission.splitlines() if line.strip()]

    @property
    def structure_is_image(self) -> bool:
        """Whether the chart can be shown on the page (else it is a PDF)."""
        suffix = PurePosixPath(self.structure_file.name or "").suffix.lower()
        return suffix in (".jpg", ".png", ".webp")

    @property
    def whatsapp_international(self) -> str:
        """The number as wa.me wants it: country code, no plus, no zero."""
        digits = "".join(ch for ch in self.whatsapp if ch.isdigit())
        if digits.startswith("0"):
            digits = "62" + digits[1:]
        return digits


class StandardProcedure(models.Model):
    """One SOP of the PPID's services (a title and its file)."""

    profile = models.ForeignKey(
        PpidProfile,
        verbose_name=_("PPID profile"),
        on_delete=models.CASCADE,
        related_name="procedures",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=profile_file_path,
        max_length=200,
        help_text=_("A PDF, an image or an office document."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("SOP")
        verbose_name_plural = _("SOPs")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ppid:profile-sop-file", kwargs={"pk": self.pk})
