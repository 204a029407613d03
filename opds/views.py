"""Public OPD pages and the OPD admin's profile form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from opds import selectors
from opds.forms import OpdProfileForm
from opds.models import Opd
from opds.permissions import (
    OpdProfileEditorRequiredMixin,
    can_delegate_publishing,
    can_manage_opd_data,
    can_view_opd_internals,
)
from opds.services import PROFILE_FIELDS, update_opd_profile


def opd_list(request: HttpRequest) -> HttpResponse:
    """All current OPDs, searchable; htmx asks for the results only."""
    filterset = selectors.opd_list(filters=request.GET)
    template = (
        "opds/_opd_results.html"
        if request.headers.get("HX-Request")
        else "opds/opd_list.html"
    )
    return render(request, template, {"filterset": filterset, "opds": filterset.qs})


class OpdDetailView(DetailView):
    """An OPD's public profile, merged OPDs included."""

    template_name = "opds/opd_detail.html"
    context_object_name = "opd"

    def get_queryset(self) -> QuerySet[Opd]:
        return selectors.opd_detail_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_manage_opd_data(self.request.user, self.object)
        context["can_delegate"] = can_delegate_publishing(self.request.user)
        context["can_view_internals"] = can_view_opd_internals(
            self.request.user, self.object
        )
        return context


class OpdProfileUpdateView(OpdProfileEditorRequiredMixin, TemplateView):
    """The OPD admin's form for the OPD's contacts and PPID details."""

    template_name = "opds/opd_form.html"

    def get_opd(self) -> Opd:
        if not hasattr(self, "opd"):
            self.opd = get_object_or_404(Opd, slug=self.kwargs["slug"])
        return self.opd

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        opd = self.get_opd()
        form = OpdProfileForm(initial=model_to_dict(opd, fields=PROFILE_FIELDS))
        return self.render_to_response({"form": form, "opd": opd})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        opd = self.get_opd()
        form = OpdProfileForm(request.POST)
        if form.is_valid():
            try:
                update_opd_profile(opd=opd, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The OPD profile was saved."))
                return redirect(opd)
        return self.render_to_response({"form": form, "opd": opd}, status=400)
