"""Fees for copies and delivery of public information (UU 14/2008 Pasal
22(7)g; domain.md §3.4 and §8).

Information itself is free. An OPD may charge, at the rates of its tariff
(``Tariff``), for copying (per page), for a storage medium (per item) and for
post or courier (per delivery), and for nothing else; nothing at all when no
information is given. The written notice states the cost and how to pay;
objection ground f (Pasal 35(1)f, unreasonable fees) is open once a cost
was set.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from django.utils.translation import gettext as _

from opds.models import Opd
from ppid.requests.models import (
    AccessMethod,
    DeliveryMethod,
    InformationRequest,
    Tariff,
)

Decision = InformationRequest.Decision

# Only granted information is handed over, so only it may cost anything.
GIVEN = frozenset({Decision.GRANTED_FULL, Decision.GRANTED_PARTIAL})
# Delivery that costs the body something to send.
POSTED = frozenset({DeliveryMethod.POS, DeliveryMethod.KURIR})

# Ceilings that catch a mistyped amount (an extra zero), not legal limits:
# the law asks for costs at cost, which the PPID sets in its standard.
MAX_RATES = {
    "copy_per_page": 10_000,
    "media_per_item": 500_000,
    "postage": 1_000_000,
}
MAX_COPY_PAGES = 100_000
MAX_MEDIA_ITEMS = 100
PAYMENT_METHODS_MAX = 1000

# "1500", "1.500", "Rp 1.500", "Rp1.500,-", "1.500,00": whole rupiah only.
_RUPIAH = re.compile(r"^(?:rp\.?)?\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,-|,00)?$", re.I)


def format_rupiah(amount: int) -> str:
    """``Rp 1.500``: Indonesian thousands separators, no decimals."""
    return "Rp {:,}".format(int(amount)).replace(",", ".")


def parse_rupiah(value: Any) -> int:
    """Whole rupiah from what people type; ValueError for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(value)
        return value
    match = _RUPIAH.match(str(value or "").strip())
    if match is None:
        raise ValueError(value)
    return int(match.group(1).replace(".", ""))


def tariff_of(opd: Opd | None) -> Tariff | None:
    """The OPD's tariff; None (everything free) when it has set none."""
    if opd is None:
        return None
    return Tariff.objects.filter(opd=opd).first()


@dataclasses.dataclass(frozen=True)
class Cost:
    """A cost and how it was reckoned, as the written notice states them."""

    total: int
    detail: str


def is_posted(info_request: InformationRequest, decision: str) -> bool:
    """Whether a copy goes by post or courier, so postage may be charged."""
    return (
        decision in GIVEN
        and info_request.access_method == AccessMethod.SALINAN
        and info_request.delivery_method in POSTED
    )


def reckon(
    *, tariff: Tariff | None, copy_pages: int, media_items: int, posted: bool
) -> Cost:
    """The cost at the tariff's rates; free without a tariff."""
    if tariff is None:
        return Cost(0, "")
    parts, total = [], 0
    if copy_pages and tariff.copy_per_page:
        amount = copy_pages * tariff.copy_per_page
        total += amount
        parts.append(
            _("copying %(count)s pages × %(rate)s = %(amount)s")
            % {
                "count": copy_pages,
                "rate": format_rupiah(tariff.copy_per_page),
                "amount": format_rupiah(amount),
            }
        )
    if media_items and tariff.media_per_item:
        amount = media_items * tariff.media_per_item
        total += amount
        parts.append(
            _("storage media %(count)s × %(rate)s = %(amount)s")
            % {
                "count": media_items,
                "rate": format_rupiah(tariff.media_per_item),
                "amount": format_rupiah(amount),
            }
        )
    if posted and tariff.postage:
        total += tariff.postage
        parts.append(
            _("post or courier %(amount)s") % {"amount": format_rupiah(tariff.postage)}
        )
    return Cost(total, "; ".join(parts))


def check_charges(
    info_request: InformationRequest,
    *,
    decision: str,
    copy_pages: Any,
    media_items: Any,
) -> tuple[dict[str, str], int, int]:
    """Errors by field, and the quantities as numbers.

    Copies are charged only when information is given and the requester
    asked for a copy: anything else would be a fee for information itself.
    """
    errors: dict[str, str] = {}
    counts = {}
    for field, value, ceiling in (
        ("copy_pages", copy_pages, MAX_COPY_PAGES),
        ("media_items", media_items, MAX_MEDIA_ITEMS),
    ):
        try:
            number = 0 if value in (None, "") else int(value)
        except (TypeError, ValueError):
            number = -1
        if not 0 <= number <= ceiling:
            errors[field] = _("Enter a whole number from 0 to %(max)s.") % {
                "max": ceiling
            }
            number = 0
        counts[field] = number
    charged = [f for f in ("copy_pages", "media_items") if counts[f]]
    for field in charged:
        if decision not in GIVEN:
            errors[field] = _(
                "Nothing may be charged when no information is given: "
                "information itself is free."
            )
        elif info_request.access_method != AccessMethod.SALINAN:
            errors[field] = _(
                "Copies are charged only when the requester asked for a copy."
            )
    return errors, counts["copy_pages"], counts["media_items"]


def notice_paragraph(info_request: InformationRequest) -> str:
    """The cost and how to pay, as the written notice states them
    (UU Pasal 22(7)g); empty when no information is given."""
    if info_request.decision not in GIVEN:
        return ""
    if not info_request.cost:
        return _(
            "Cost: free of charge. Public information is given without charge; "
            "nothing is to be paid."
        )
    return _("Cost: %(amount)s (%(detail)s).\nHow to pay: %(method)s") % {
        "amount": format_rupiah(info_request.cost),
        "detail": info_request.cost_detail,
        "method": info_request.payment_method,
    }


def request_has_cost(info_request: InformationRequest) -> bool:
    """Whether a cost was set, the precondition of objection ground f
    (UU Pasal 35(1)f, unreasonable fees)."""
    return info_request.has_cost


def clean_tariff(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A tariff's values as numbers and text, and the errors by field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, ceiling in MAX_RATES.items():
        try:
            amount = parse_rupiah(data.get(field, 0))
        except ValueError:
            errors[field] = _(
                "Enter an amount in whole rupiah, such as 1.500 (0 when free)."
            )
            continue
        if amount > ceiling:
            errors[field] = _("At most %(max)s; check the number of zeros.") % {
                "max": format_rupiah(ceiling)
            }
            continue
        cleaned[field] = amount
    methods = str(data.get("payment_methods") or "").strip()
    if len(methods) > PAYMENT_METHODS_MAX:
        errors["payment_methods"] = _("At most %(limit)s characters.") % {
            "limit": PAYMENT_METHODS_MAX
        }
    elif any(cleaned.get(f) for f in MAX_RATES) and not methods:
        errors["payment_methods"] = _(
            "Say how requesters pay: every written notice with a cost states it."
        )
    cleaned["payment_methods"] = methods
    return cleaned, errors
