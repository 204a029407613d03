"""The vocabulary of the infographic engine: kinds, sizes and the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ITEM_CARD = "item_card", _("PPID item card")
    SERVICE_FLOW = "service_flow", _("Service flow")
    DATA_CHART = "data_chart", _("Data chart")
    KIP_CARD = "kip_card", _("KIP-readiness card")
    RANKING_CARD = "ranking_card", _("Ranking card")


class Size(models.TextChoices):
    PORTRAIT = "portrait", _("Instagram portrait (1080×1350)")
    SQUARE = "square", _("Square (1080×1080)")
    STORY = "story", _("Story (1080×1920)")


DIMENSIONS: dict[str, tuple[int, int]] = {
    Size.PORTRAIT: (1080, 1350),
    Size.SQUARE: (1080, 1080),
    Size.STORY: (1080, 1920),
}

MAX_PNG_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    """A drawn infographic: the PNG, its size, alt text and every text line drawn.

    ``text_boxes`` holds (text, (left, top, right, bottom)) for each line drawn,
    so tests can check that nothing runs outside the image or its region.
    """

    png: bytes
    width: int
    height: int
    alt_text: str
    text_boxes: list[tuple[str, tuple[int, int, int, int]]] = field(
        default_factory=list
    )
