"""The models of the PPID: the catalogue (DIP and DIK) and the requests."""

from ppid.models.catalogue import (
    PUBLIC_CATEGORIES,
    PUBLIC_CATEGORY_CHOICES,
    CalendarOverride,
    Category,
    ExclusionDecision,
    InformationFile,
    InformationItem,
    InformationItemQuerySet,
    ItemChange,
    Subtype,
    _file_path,
)
from ppid.models.requests import (
    Dispute,
    InformationRequest,
    InformationRequestQuerySet,
    Objection,
    RegisterCounter,
    RequestEvent,
    RequestFile,
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
    "_file_path",
]
