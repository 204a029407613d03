"""The models of the PPID, as Django registers them: the catalogue (DIP and
DIK) lives in ``ppid.catalogue.models``, the requests in
``ppid.requests.models``, the yearly report in ``ppid.reports.models``. Code
imports them from there."""

from ppid.calendar.models import CalendarOverride
from ppid.catalogue.models import (
    PUBLIC_CATEGORIES,
    PUBLIC_CATEGORY_CHOICES,
    Category,
    ExclusionDecision,
    InformationFile,
    InformationItem,
    InformationItemQuerySet,
    ItemChange,
    Subtype,
)
from ppid.reports.models import YearlyReport
from ppid.requests.models import (
    Dispute,
    InformationRequest,
    InformationRequestQuerySet,
    Objection,
    RegisterCounter,
    RequestEvent,
    RequestFile,
    Tariff,
)

__all__ = [
    "PUBLIC_CATEGORIES",
    "PUBLIC_CATEGORY_CHOICES",
    "CalendarOverride",
    "Category",
    "Dispute",
    "ExclusionDecision",
    "InformationFile",
    "InformationItem",
    "InformationItemQuerySet",
    "InformationRequest",
    "InformationRequestQuerySet",
    "ItemChange",
    "Objection",
    "RegisterCounter",
    "RequestEvent",
    "RequestFile",
    "Subtype",
    "YearlyReport",
    "Tariff",
]
