"""The models of the PPID, as Django registers them: the catalogue (DIP and
DIK) lives in ``ppid.catalogue.models``, the requests in
``ppid.requests.models``, the yearly report in ``ppid.reports.models``,
the Profil PPID in ``ppid.profile.models``. Code
imports them from there."""

from ppid.calendar.models import (
    CalendarHoliday,
    CalendarOverride,
    CalendarYear,
    CutiBersamaRule,
)
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
from ppid.profile.models import PpidProfile, StandardProcedure
from ppid.reports.models import YearlyReport
from ppid.requests.models import (
    Dispute,
    InformationRequest,
    InformationRequestQuerySet,
    LocalDeadlineRule,
    Objection,
    RegisterCounter,
    RequestEvent,
    RequestFile,
    Tariff,
)

__all__ = [
    "PUBLIC_CATEGORIES",
    "PUBLIC_CATEGORY_CHOICES",
    "CalendarHoliday",
    "CalendarOverride",
    "CalendarYear",
    "Category",
    "CutiBersamaRule",
    "Dispute",
    "ExclusionDecision",
    "InformationFile",
    "InformationItem",
    "InformationItemQuerySet",
    "InformationRequest",
    "InformationRequestQuerySet",
    "ItemChange",
    "LocalDeadlineRule",
    "Objection",
    "PpidProfile",
    "RegisterCounter",
    "RequestEvent",
    "RequestFile",
    "StandardProcedure",
    "Subtype",
    "YearlyReport",
    "Tariff",
]
