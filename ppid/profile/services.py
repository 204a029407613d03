"""Writes of the Profil PPID: PPID Utama keeps it in the admin, and every
file it uploads passes the upload gate (``ppid.uploads``) first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from opds import permissions as perms
from opds.models import User
from ppid.profile.models import PpidProfile
from ppid.uploads import clean_upload

DOCUMENT_TYPES = frozenset({"pdf", "jpg", "png", "webp"})
SOP_TYPES = DOCUMENT_TYPES | {"docx", "odt", "xlsx", "ods"}


def clean_profile_file(
    upload: UploadedFile, *, allowed: frozenset[str] = DOCUMENT_TYPES
) -> ContentFile:
    """The upload cleaned by the upload gate, as a file to store under a
    generated name; ValidationError when the gate refuses it or its type is
    not one of ``allowed``."""
    cleaned = clean_upload(upload)
    if cleaned.extension not in allowed:
        raise ValidationError(
            _("“%(name)s” is not allowed here; upload one of: %(types)s.")
            % {
                "name": cleaned.original_name,
                "types": ", ".join(sorted(ext.upper() for ext in allowed)),
            },
            code="file_type",
        )
    return ContentFile(cleaned.content, name="berkas.{}".format(cleaned.extension))


def _refuse(user: User) -> None:
    if not perms.can_edit_ppid_profile(user):
        raise PermissionDenied(_("Only PPID Utama keeps the PPID profile."))


@transaction.atomic
def save_profile(*, profile: PpidProfile, by: User) -> PpidProfile:
    """Save the profile as PPID Utama edited it; bad input is refused by field."""
    _refuse(by)
    profile.updated_by = by
    profile.full_clean()
    profile.save()
    return profile
