"""Reads for the infographic pages: the images a user may see, the items a
card may be made of, and the posts an image may be linked to."""

from __future__ import annotations

from django.db.models import QuerySet

from opds import permissions as perms
from opds.models import Opd, User
from ppid.catalogue.models import Category, InformationItem
from socialposts.accounts.models import Post
from socialposts.infographics.models import Infographic


def infographics_for(user: User, opd: Opd | None = None) -> QuerySet[Infographic]:
    """The infographics ``user`` may see, newest first, with what the list shows."""
    found = perms.infographics_visible_to(
        user,
        Infographic.objects.select_related(
            "opd", "created_by", "source_item", "source_report", "post__account"
        ),
    )
    if opd is not None:
        found = found.filter(opd=opd)
    return found.order_by("-created_at", "-id")


def items_for_cards(user: User, opd: Opd) -> QuerySet[InformationItem]:
    """``opd``'s items ``user`` may make a card of (the form's choices)."""
    Status = InformationItem.Status
    return (
        perms.items_visible_to(user, InformationItem.objects.filter(opd=opd))
        .exclude(category=Category.DIKECUALIKAN)
        .filter(status__in=[Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED])
        .order_by("title", "pk")
    )


def posts_for_linking(infographic: Infographic) -> QuerySet[Post]:
    """The posts of the infographic's OPD, newest first, for the link form."""
    return (
        Post.objects.filter(account__opd_id=infographic.opd_id)
        .select_related("account")
        .order_by("-published_at", "-id")
    )
