"""Reads of the Profil PPID."""

from __future__ import annotations

from django.db.models import QuerySet

from ppid.profile.models import SINGLETON_ID, PpidProfile, StandardProcedure


def current_profile() -> PpidProfile | None:
    """The profile, or None while PPID Utama has not written it yet."""
    return PpidProfile.objects.filter(pk=SINGLETON_ID).first()


def procedures() -> QuerySet[StandardProcedure]:
    """The SOPs in the order PPID Utama gave them."""
    return StandardProcedure.objects.filter(profile_id=SINGLETON_ID).order_by(
        "position", "id"
    )
