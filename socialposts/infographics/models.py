"""Infographics made for the OPDs' social media, kept with who made them,
when and from what."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opds.models import Opd
from socialposts.accounts.models import Post
from socialposts.infographics.engine import Kind as InfographicKind
from socialposts.infographics.engine import Size as InfographicSize


def infographic_path(instance: Infographic, filename: str) -> str:
    # A generated name: the data drawn may name an unpublished item.
    return "infographics/{}.png".format(uuid.uuid4().hex)


class Infographic(models.Model):
    """An image the portal drew for an OPD's social media, kept with who
    made it, when and from what, and the post that published it."""

    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="infographics",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InfographicKind.choices)
    size = models.CharField(_("size"), max_length=10, choices=InfographicSize.choices)
    data = models.JSONField(
        _("data drawn"),
        default=dict,
        blank=True,
        help_text=_("The cleaned input of the drawing, without the logo."),
    )
    source_item = models.ForeignKey(
        "ppid.InformationItem",
        verbose_name=_("made from PPID item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="infographics",
    )
    source_report = models.ForeignKey(
        "evaluations.MonthlyReport",
        verbose_name=_("made from monthly report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    image = models.ImageField(
        _("image"),
        upload_to=infographic_path,
        max_length=200,
    )
    width = models.PositiveIntegerField(_("width in pixels"))
    height = models.PositiveIntegerField(_("height in pixels"))
    alt_text = models.TextField(_("alt text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    post = models.ForeignKey(
        Post,
        verbose_name=_("published by post"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="infographics",
    )
    linked_at = models.DateTimeField(_("linked to the post at"), null=True, blank=True)

    class Meta:
        verbose_name = _("infographic")
        verbose_name_plural = _("infographics")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["opd", "-created_at"], name="social_infographic_opd_made"
            )
        ]

    def __str__(self) -> str:
        return "{} {} {}".format(self.opd_id, self.kind, self.pk)

    @property
    def title(self) -> str:
        """What the image is about, for lists: its title, OPD or month."""
        data = self.data or {}
        return str(
            data.get("title") or data.get("month_label") or data.get("opd_name") or ""
        )
