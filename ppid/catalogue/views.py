"""Catalogue pages: the public DIP and DIK, files, exports, and the staff
pages where OPD admins file items and PPID Utama reviews them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core import paging
from opds import permissions as perms
from opds.models import Opd
from ppid.catalogue import exports, listing, selectors, services
from ppid.catalogue.cache import (
    cached_for_visitors,
    depends_on,
    lists,
    lists_filtered,
)
from ppid.catalogue.forms import (
    ExclusionDecisionForm,
    InformationItemForm,
    OpenExcludedForm,
)
from ppid.catalogue.models import (
    PUBLIC_CATEGORY_CHOICES,
    Category,
    InformationFile,
    InformationItem,
)
from ppid.catalogue.search import CappedPaginator, SearchResults, suggest_query

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


class PublicInformationView(TemplateView):
    """The four categories of information and where each is found."""

    template_name = "ppid/public_information.html"


class RequestGuideView(TemplateView):
    """How to ask for information and object, with the legal deadlines."""

    template_name = "ppid/request_guide.html"


# --- Public catalogue ---------------------------------------------------------


@cached_for_visitors
def catalogue(request: HttpRequest) -> HttpResponse:
    """Search and browse the public information of every OPD."""
    filterset = selectors.catalogue_filter(
        user=request.user, filters=request.GET, public_only=True
    )
    items = filterset.results()
    page = paging.page(request, items, paginator_class=CappedPaginator)
    # Visitors' cache: the items shown, every OPD's name (the filters), and
    # who is listed under the OPD and category filtered by.
    depends_on(request, items=page.object_list, scopes=["opds"])
    lists_filtered(request, filterset)
    q = request.GET.get("q", "").strip()
    fallback = isinstance(items, SearchResults) and items.fallback
    query = paging.query_without_page(request)
    facets = selectors.catalogue_facets(items, cache_key=query)
    context = {
        "filterset": filterset,
        "category_options": listing.category_options(filterset.form),
        "page": page,
        "pagination": paging.pagination(page, paging.page_links(page), query),
        "facets": facets,
        # The cards and facet links as printed (ppid.catalogue.listing).
        "cards": listing.result_cards(page.object_list),
        "facet_links": listing.facet_links(facets, query),
        "query": query,
        "q": q,
        "fallback": fallback,
        # Only a search that found nothing, or not every word, looks for a
        # better spelling: a few rows of the vocabulary and one check.
        "suggestion": (
            suggest_query(InformationItem.objects.public(), q)
            if q and (fallback or not page.object_list)
            else None
        ),
    }
    template = (
        "ppid/_catalogue_results.html"
        if request.headers.get("HX-Request")
        else "ppid/catalogue.html"
    )
    return render(request, template, context)


@cached_for_visitors
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One item: its DIP fields, files and change log.

    Anyone may read a public item; drafts and excluded items exist only for
    the staff allowed to see them, and are 404 for everyone else.
    """
    user = request.user
    item = selectors.item_for_page(pk)
    if item is None or not perms.can_view_item(user, item):
        raise Http404
    depends_on(request, items=[item])  # visitors' cache: the item and its OPD
    show_actors = perms.can_view_opd_internals(user, item.opd)
    can_open = perms.can_open_excluded_item(user, item)
    context = {
        "item": item,
        # The decision or None: asking the template for a missing one costs
        # an exception and a dir() of the item.
        "exclusion": getattr(item, "exclusion", None),
        "files": selectors.item_files(item),
        "changes": selectors.item_change_log(item, actors=show_actors),
        "is_staff_view": not item.is_public,
        "can_edit": perms.can_edit_item(user, item),
        "can_submit": perms.can_submit_item(user, item),
        "can_publish": perms.can_publish_item(user, item),
        "can_return": perms.can_return_item(user, item),
        "can_withdraw": perms.can_withdraw_item(user, item),
        "can_delete": perms.can_delete_item(user, item),
        "can_open": can_open,
        "show_actors": show_actors,
        # Only PPID Utama, on an exclusion in force, gets the opening form.
        "open_form": OpenExcludedForm() if can_open else None,
    }
    return render(request, "ppid/item_detail.html", context)


def file_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """Serve a file through the permission check, never straight from disk."""
    record = get_object_or_404(
        InformationFile.objects.select_related("item__opd", "item__exclusion"),
        pk=file_id,
        item_id=pk,
    )
    if not perms.can_view_file(request.user, record):
        raise Http404
    inline = record.content_type in INLINE_TYPES
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=not inline,
        filename=record.original_name,
        content_type=record.content_type,
    )
    # Even a file that slipped past the checks cannot run script here.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    if not record.item.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


@cached_for_visitors
def exclusion_register(request: HttpRequest) -> HttpResponse:
    """The public DIK: what is excluded, on which ground, until when."""
    decisions = selectors.exclusion_register().prefetch_related(
        Prefetch(
            "item__files",
            queryset=InformationFile.objects.filter(is_redacted_version=True),
            to_attr="redacted_files",
        )
    )
    opened = selectors.opened_exclusions()
    opd = request.GET.get("opd")
    if opd:
        decisions = decisions.filter(item__opd__slug=opd)
        opened = opened.filter(item__opd__slug=opd)
    page = paging.page(request, decisions, per_page=50, paginator_class=CappedPaginator)
    # Visitors' cache: every DIK entry, the opened ones shown, OPD names.
    opened = list(opened[:OPENED_SHOWN])
    depends_on(
        request,
        item_ids=[decision.item_id for decision in opened],
        scopes=["category-items:dikecualikan", "category-texts:dikecualikan", "opds"],
    )
    return render(
        request,
        "ppid/exclusion_register.html",
        {"page": page, "opened": opened[:OPENED_SHOWN], "opd": opd},
    )


# The newest openings; older ones stay in each item's change log.
OPENED_SHOWN = 100


@cached_for_visitors
def opd_dip(request: HttpRequest, slug: str) -> HttpResponse:
    """One OPD's Daftar Informasi Publik, by category."""
    opd = get_object_or_404(Opd, slug=slug)
    depends_on(request, opds=[opd])  # visitors' cache: the OPD and its list
    lists(request, opd=opd, texts=True)
    items = selectors.dip_items(opd=opd)
    # Rows built from plain values, not models through the template engine:
    # a DIP is complete, thousands of rows for the largest OPDs.
    grouped = exports.page_rows_by_category(selectors.dip_page_rows(items))
    sections = [
        (label, grouped.get(value, "")) for value, label in PUBLIC_CATEGORY_CHOICES
    ]
    return render(request, "ppid/opd_dip.html", {"opd": opd, "sections": sections})


@cached_for_visitors
def dip_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The DIP of the kabupaten, or of one OPD with ``?opd=slug``."""
    opd = None
    if request.GET.get("opd"):
        opd = get_object_or_404(Opd, slug=request.GET["opd"])
    # Visitors' cache: one OPD's list, or every published item.
    if opd:
        depends_on(request, opds=[opd])
        lists(request, opd=opd, texts=True)
    else:
        depends_on(request, scopes=["public-items", "opds"])
    title = _("Public Information List (DIP) of %(body)s") % {
        "body": opd.name if opd else _("Purbalingga Regency")
    }
    rows = exports.dip_rows(
        selectors.dip_items(opd=opd), request.build_absolute_uri("/")[:-1]
    )
    name = "dip-{}".format(opd.slug if opd else "kabupaten-purbalingga")
    if fmt == "csv":
        body, content_type = exports.as_csv(rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.as_xlsx(rows, title)
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        body, content_type = exports.as_pdf(rows, title), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = 'attachment; filename="{}.{}"'.format(
        slugify(name), fmt
    )
    return response


# --- Staff pages ----------------------------------------------------------------


@perms.staff_required
def staff_items(request: HttpRequest) -> HttpResponse:
    """The items this account works on, in every status."""
    filters = request.GET.copy()
    if request.user.opd_id and "opd" not in filters:
        filters["opd"] = request.user.opd.slug
    filterset = selectors.catalogue_filter(user=request.user, filters=filters)
    page = paging.page(request, filterset.results(), paginator_class=CappedPaginator)
    return render(
        request,
        "ppid/staff_items.html",
        {
            "filterset": filterset,
            "page": page,
            "query": paging.query_without_page(request),
            "freshness": selectors.freshness_by_opd(request.user),
            "due_for_opening": (
                selectors.exclusions_needing_decision()
                if perms.can_publish_ppid_items(request.user)
                else []
            ),
        },
    )


def _item_for_staff(request: HttpRequest, pk: int) -> InformationItem:
    return get_object_or_404(
        perms.items_visible_to(request.user).select_related("opd", "exclusion"),
        pk=pk,
    )


def _form_errors(form: Any, exclusion_form: Any, exc: ValidationError) -> None:
    """Put a service's refusal next to the field it names."""
    for field, errors in exc.message_dict.items():
        if field.startswith("exclusion."):
            name = field.split(".", 1)[1]
            exclusion_form.add_error(
                name if name in exclusion_form.fields else None, errors
            )
        elif field == "exclusion":
            exclusion_form.add_error(None, errors)
        else:
            form.add_error(field if field in form.fields else None, errors)


def _save_item(
    request: HttpRequest, item: InformationItem | None, opd: Opd | None
) -> HttpResponse:
    decision = getattr(item, "exclusion", None) if item else None
    if request.method == "POST":
        form = InformationItemForm(
            request.POST, request.FILES, item=item, session=request.session
        )
        exclusion_form = ExclusionDecisionForm(request.POST, decision=decision)
        excluded = request.POST.get("category") == Category.DIKECUALIKAN
        if form.is_valid() and (not excluded or exclusion_form.is_valid()):
            exclusion = exclusion_form.decision_data() if excluded else None
            sheet = (
                exclusion_form.cleaned_data.get("signed_sheet") if excluded else None
            )
            try:
                if item is None:
                    item = services.create_item(
                        opd=opd,
                        by=request.user,
                        data=form.item_data(),
                        files=form.cleaned_data["files"],
                        exclusion=exclusion,
                        signed_sheet=sheet,
                    )
                else:
                    services.update_item(
                        item=item,
                        by=request.user,
                        data=form.item_data(),
                        files=form.cleaned_data["files"],
                        remove_files=[
                            f.pk for f in form.cleaned_data.get("remove_files", [])
                        ],
                        exclusion=exclusion,
                        signed_sheet=sheet,
                    )
            except ValidationError as exc:
                _form_errors(form, exclusion_form, exc)
            else:
                form.release_held_files()
                messages.success(request, _("The item was saved."))
                return redirect(item)
        form.keep_uploads()
        status = 400
    else:
        form = InformationItemForm(item=item)
        exclusion_form = ExclusionDecisionForm(decision=decision)
        status = 200
    context = {
        "form": form,
        "exclusion_form": exclusion_form,
        "item": item,
        "opd": opd or item.opd,
    }
    return render(request, "ppid/item_form.html", context, status=status)


@login_required
def signed_sheet_download(request: HttpRequest, pk: int) -> FileResponse:
    """The signed consequence-test sheet: staff who see the OPD's internals."""
    item = get_object_or_404(
        InformationItem.objects.select_related("opd", "exclusion"), pk=pk
    )
    decision = getattr(item, "exclusion", None)
    if (
        decision is None
        or not decision.signed_sheet
        or not perms.can_view_opd_internals(request.user, item.opd)
    ):
        raise Http404
    response = FileResponse(decision.signed_sheet.open("rb"), as_attachment=True)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    """File a new item for the admin's own OPD."""
    opd = request.user.opd
    if opd is None or not perms.can_create_item(request.user, opd):
        raise PermissionDenied
    return _save_item(request, None, opd)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_staff(request, pk)
    if not perms.can_edit_item(request.user, item):
        raise PermissionDenied
    return _save_item(request, item, None)


def _action(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    item = _item_for_staff(request, pk)
    try:
        run(item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(item)


@require_POST
@login_required
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda item: services.submit_item(item=item, by=request.user),
        _("Submitted to PPID Utama for review."),
    )


@require_POST
@login_required
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda item: services.publish_item(item=item, by=request.user),
        _("Published."),
    )


@require_POST
@login_required
def item_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda item: services.return_item(
            item=item, by=request.user, note=request.POST.get("note", "")
        ),
        _("Returned to the OPD as a draft."),
    )


@require_POST
@login_required
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda item: services.withdraw_item(
            item=item, by=request.user, note=request.POST.get("note", "")
        ),
        _("Withdrawn from the catalogue."),
    )


@require_POST
@login_required
def item_open(request: HttpRequest, pk: int) -> HttpResponse:
    at_end = request.POST.get("when") == "at_end"
    return _action(
        request,
        pk,
        lambda item: services.open_excluded_item(
            item=item,
            by=request.user,
            category=request.POST.get("category", ""),
            note=request.POST.get("note", ""),
            at_end=at_end,
        ),
        _("Recorded: the information opens when its exclusion period ends.")
        if at_end
        else _("The information is now open to the public."),
    )


@require_POST
@login_required
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_staff(request, pk)
    services.delete_item(item=item, by=request.user)
    messages.success(request, _("The draft was deleted."))
    return redirect("ppid:staff-items")


@require_POST
@login_required
def opd_delegation(request: HttpRequest, slug: str) -> HttpResponse:
    """PPID Utama switches an OPD's own publishing on or off."""
    opd = get_object_or_404(Opd, slug=slug)
    services.set_publishing_delegation(
        opd=opd, delegated=request.POST.get("delegated") == "1", by=request.user
    )
    messages.success(request, _("Publishing delegation saved."))
    return redirect(reverse("opds:opd-detail", args=[opd.slug]))
