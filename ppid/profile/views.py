"""The public Profil PPID pages and their files."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opds import permissions as perms
from ppid.profile import selectors
from ppid.profile.models import PpidProfile
from ppid.uploads import CONTENT_TYPES

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


def _page(request: HttpRequest, section: str, template: str) -> HttpResponse:
    return render(
        request,
        template,
        {
            "profile": selectors.current_profile(),
            "procedures": selectors.procedures(),
            "section": section,
            "can_edit": perms.can_edit_ppid_profile(request.user),
        },
    )


def profile(request: HttpRequest) -> HttpResponse:
    """The PPID's decree, vision and mission, and how to reach it."""
    return _page(request, "profile", "ppid/profile/profile.html")


def structure(request: HttpRequest) -> HttpResponse:
    """Who holds each post of the PPID, and its organisation chart."""
    return _page(request, "structure", "ppid/profile/structure.html")


def service_notice(request: HttpRequest) -> HttpResponse:
    """The maklumat pelayanan: what the PPID promises the public."""
    return _page(request, "notice", "ppid/profile/notice.html")


def procedures(request: HttpRequest) -> HttpResponse:
    """The SOPs of the PPID's services, each with its file."""
    return _page(request, "procedures", "ppid/profile/procedures.html")


def _serve(stored: FieldFile, stem: str) -> FileResponse:
    extension = PurePosixPath(stored.name).suffix.lower().lstrip(".")
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    response = FileResponse(
        stored.open("rb"),
        as_attachment=content_type not in INLINE_TYPES,
        filename="{}.{}".format(slugify(stem) or "berkas", extension),
        content_type=content_type,
    )
    # As the catalogue's files: even a file that slipped past the upload
    # gate cannot run script here.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def profile_file(request: HttpRequest, kind: str) -> FileResponse:
    """The decree, the structure chart or the signed service notice."""
    field = PpidProfile.FILE_FIELDS.get(kind)
    found = selectors.current_profile()
    stored = getattr(found, field, None) if field and found else None
    if not stored:
        raise Http404
    return _serve(stored, "{}-ppid-purbalingga".format(kind))


def procedure_file(request: HttpRequest, pk: int) -> FileResponse:
    """One SOP's file."""
    sop = get_object_or_404(selectors.procedures(), pk=pk)
    return _serve(sop.file, _("SOP") + " " + sop.title)
