"""Staff pages of the infographics: the list of an OPD's images, the form
that previews and makes one, each image with its alt text, its download
and the post that published it."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core import paging
from opds import permissions as perms
from opds.models import Opd
from ppid.catalogue.models import InformationItem
from socialposts.infographics import selectors, services
from socialposts.infographics.engine import Kind
from socialposts.infographics.forms import KIND_HELP, InfographicForm, LinkPostForm
from socialposts.infographics.models import Infographic


def _visible(request: HttpRequest, pk: int) -> Infographic:
    return get_object_or_404(selectors.infographics_for(request.user), pk=pk)


@require_safe
@perms.staff_required
def infographics(request: HttpRequest) -> HttpResponse:
    """The infographics of the OPDs the user sees, newest first."""
    opd = None
    slug = request.GET.get("opd")
    if slug:
        opd = get_object_or_404(perms.opds_visible_to(request.user), slug=slug)
    page = paging.page(request, selectors.infographics_for(request.user, opd))
    return render(
        request,
        "socialposts/infographics/list.html",
        {
            "page": page,
            "query": paging.query_without_page(request),
            "opd": opd,
            "kinds": _kinds(opd),
            "can_make": perms.can_make_any_infographics(request.user),
        },
    )


def _kinds(opd: Opd | None, item: InformationItem | None = None) -> list[dict]:
    """Each kind with the link that opens its form (keeping OPD and item)."""
    found = []
    for kind in Kind:
        query = {"kind": kind.value}
        if opd is not None:
            query["opd"] = opd.slug
        if item is not None and kind in (Kind.ITEM_CARD, Kind.SERVICE_FLOW):
            query["item"] = item.pk
        found.append(
            {
                "value": kind.value,
                "label": kind.label,
                "help": KIND_HELP[kind],
                "url": "{}?{}".format(
                    reverse("socialposts:infographic-create"), urlencode(query)
                ),
            }
        )
    return found


def _param(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or request.GET.get(name) or "").strip()


def _source_item(request: HttpRequest) -> InformationItem | None:
    """The item named by ``item``: 404 unless the user may know it exists,
    403 unless a card may be made of it."""
    raw = _param(request, "item")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise Http404
    item = get_object_or_404(
        perms.items_visible_to(
            request.user, InformationItem.objects.select_related("opd")
        ),
        pk=int(raw),
    )
    if not perms.can_make_infographic_from_item(request.user, item):
        raise PermissionDenied
    return item


def _target_opd(request: HttpRequest, item: InformationItem | None) -> Opd | None:
    """The OPD the image is for: the one named, an OPD admin's own, or the
    item's; None when a kabupaten role has yet to choose."""
    user = request.user
    slug = _param(request, "opd")
    if slug:
        opd = get_object_or_404(Opd, slug=slug)
    elif user.opd_id is not None and perms.is_opd_admin_of(user, user.opd):
        opd = user.opd
    elif item is not None:
        opd = item.opd
    else:
        return None
    if not perms.can_make_infographics(user, opd):
        raise PermissionDenied
    return opd


@login_required
def infographic_create(request: HttpRequest) -> HttpResponse:
    """Pick a kind, fill its fields, preview and save an infographic."""
    user = request.user
    # Refused before anything is read: the Atasan PPID makes no images.
    if not perms.can_make_any_infographics(user):
        raise PermissionDenied
    item = _source_item(request)
    opd = _target_opd(request, item)
    kind = _param(request, "kind") or (Kind.ITEM_CARD if item else "")
    context = {"item": item, "opd": opd, "kinds": _kinds(opd, item)}
    if kind not in Kind.values or opd is None:
        context["opds"] = perms.infographic_opds_for(user)
        context["kind"] = kind if kind in Kind.values else ""
        return render(request, "socialposts/infographics/create.html", context)
    if item is not None and kind not in (
        Kind.ITEM_CARD,
        Kind.SERVICE_FLOW,
        Kind.DATA_CHART,
    ):
        item = None
    form_kwargs = {
        "kind": kind,
        "opds": perms.infographic_opds_for(user),
        "items": selectors.items_for_cards(user, opd),
        "item": item,
        "months": services.final_months(),
        "initial": {"opd": opd.slug, "item": item.pk if item else None},
    }
    status = 200
    preview = None
    if request.method == "POST":
        form = InfographicForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            try:
                preview, saved = _draw(request, form, kind, opd, item)
            except ValidationError as exc:
                form.add_engine_errors(exc)
            else:
                if saved is not None:
                    messages.success(request, _("The infographic was saved."))
                    return redirect("socialposts:infographic-detail", pk=saved.pk)
        if form.errors:
            status = 400
    else:
        form = InfographicForm(**form_kwargs)
    context.update(
        {
            "kind": kind,
            "kind_label": Kind(kind).label,
            "form": form,
            "preview": preview,
        }
    )
    return render(
        request, "socialposts/infographics/create.html", context, status=status
    )


def _draw(
    request: HttpRequest,
    form: InfographicForm,
    kind: str,
    opd: Opd,
    item: InformationItem | None,
) -> tuple[dict | None, Infographic | None]:
    """Preview (nothing kept) or save, as the button pressed says."""
    size = form.cleaned_data["size"]
    draft = services.Draft(opd, kind, size, form.engine_fields(), item, form.month())
    if request.POST.get("action") == "save":
        return None, services.make_infographic(user=request.user, draft=draft)
    rendered = services.preview_infographic(user=request.user, draft=draft)
    preview = {
        "src": "data:image/png;base64," + base64.b64encode(rendered.png).decode(),
        "alt_text": rendered.alt_text,
        "width": rendered.width,
        "height": rendered.height,
    }
    return preview, None


@require_safe
@login_required
def infographic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One image: its alt text to copy, what it was made from, its post."""
    infographic = _visible(request, pk)
    can_link = perms.can_link_infographic(request.user, infographic)
    return render(
        request,
        "socialposts/infographics/detail.html",
        {
            "infographic": infographic,
            "can_link": can_link,
            "link_form": LinkPostForm(
                posts=selectors.posts_for_linking(infographic),
                initial={"post": infographic.post_id},
            )
            if can_link
            else None,
        },
    )


def _file(infographic: Infographic, *, attachment: bool) -> FileResponse:
    name = "infografis-{}-{}.png".format(
        slugify(infographic.title)[:60] or infographic.kind, infographic.pk
    )
    response = FileResponse(
        infographic.image.open("rb"),
        as_attachment=attachment,
        filename=name,
        content_type="image/png",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # An image of an unpublished item is not for shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def infographic_image(request: HttpRequest, pk: int) -> FileResponse:
    """The PNG, shown in the page."""
    return _file(_visible(request, pk), attachment=False)


@require_safe
@login_required
def infographic_download(request: HttpRequest, pk: int) -> FileResponse:
    """The PNG as a download, named after its title."""
    return _file(_visible(request, pk), attachment=True)


@require_POST
@login_required
def infographic_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the post that published the image."""
    infographic = _visible(request, pk)
    if not perms.can_link_infographic(request.user, infographic):
        raise PermissionDenied
    form = LinkPostForm(request.POST, posts=selectors.posts_for_linking(infographic))
    if form.is_valid():
        try:
            announced = services.link_to_post(
                user=request.user,
                infographic=infographic,
                post=form.cleaned_data["post"],
            )
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _("The infographic is linked to the post."))
            if announced:
                messages.info(
                    request,
                    _("The post now counts as announcing the PPID item."),
                )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("socialposts:infographic-detail", pk=infographic.pk)
