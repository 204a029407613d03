"""Writes of posts entered by hand: the post, its thumbnail and its figures.

Posts of API-connected accounts come from the pull; staff only classify
them here (content type, topics, the PPID item announced). Refusals raise
``ValidationError`` keyed by field, or ``PermissionDenied``, and change
nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import stored_files_removed_on_error
from opds import permissions as perms
from opds.models import User
from socialposts.accounts.ingest import PostValue, upsert_post_values
from socialposts.accounts.models import Platform, Post, SocialAccount
from socialposts.accounts.thumbnails import make_thumbnail

POST_FIELDS = (
    "external_id",
    "permalink",
    "published_at",
    "content_type",
    "caption",
    "duration_seconds",
    "topics",
    "information_item",
)
CLASSIFICATION_FIELDS = ("content_type", "topics", "information_item")
# The figures an OPD reads off a post's insights page.
FIGURES = ("views", "reach", "likes", "comments", "shares", "saves")
FIGURE_FIELDS = ("figures", "figures_as_of")

# The id becomes the thumbnail's file name (see Post's upload_to), so it
# must not be able to name a folder.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
# Where a platform's links carry the post's own id; the same id arrives in
# the platform's exports, so a post entered here and imported later is one.
_LINK_IDS: dict[str, tuple[str, ...]] = {
    Platform.YOUTUBE: (
        r"[?&]v=([\w-]+)",
        r"youtu\.be/([\w-]+)",
        r"/(?:shorts|live|embed)/([\w-]+)",
    ),
    Platform.INSTAGRAM: (r"/(?:p|reels?|tv)/([\w-]+)",),
    Platform.TIKTOK: (r"/(?:video|photo)/(\d+)",),
    Platform.X: (r"/status(?:es)?/(\d+)",),
    Platform.FACEBOOK: (
        r"[?&]story_fbid=(\w+)",
        r"/(?:posts|videos|reel)/(\w[\w.-]*)",
    ),
}


def _id_from_link(platform: str, link: str) -> str:
    for pattern in _LINK_IDS.get(platform, ()):
        match = re.search(pattern, link, re.ASCII)
        if match and _SAFE_ID.fullmatch(match.group(1)):
            return match.group(1)
    # A link of another shape still names one post; its digest keeps the id
    # short and safe as a file name.
    normal = link.split("#", 1)[0].rstrip("/")
    return "link-" + hashlib.sha256(normal.encode()).hexdigest()[:32]


def save_post(
    *,
    account: SocialAccount,
    by: User,
    data: Mapping[str, Any],
    thumbnail: UploadedFile | None = None,
    post: Post | None = None,
) -> Post:
    """Create or change one post of ``account``, with its thumbnail and figures."""
    if post is not None and post.account_id != account.pk:
        raise ValueError("The post belongs to another account.")
    if post is None and not perms.can_add_social_post(by, account):
        raise PermissionDenied(_("You may not enter posts for this account."))
    if not perms.can_edit_social_posts(by, account):
        raise PermissionDenied(_("You may not change the posts of this account."))
    manual = perms.can_add_social_post(by, account)
    allowed = (*POST_FIELDS, *FIGURE_FIELDS) if manual else CLASSIFICATION_FIELDS
    refused = sorted(set(data) - set(allowed))
    if thumbnail is not None and not manual:
        refused.append("thumbnail")
    if refused:
        raise ValidationError(
            {field: [_("This field cannot be set here.")] for field in refused}
        )
    # Decoding an image takes a while: done before any row is locked.
    picture = make_thumbnail(thumbnail) if thumbnail is not None else None
    # The guard sits outside the transaction so that a failed commit, too,
    # takes the new file away again.
    with stored_files_removed_on_error() as names, transaction.atomic():
        if post is None:
            post = Post(account=account)
            old_thumbnail = ""
        else:
            # Read afresh under a lock: two people saving at once must not
            # each write their stale copy over the other's.
            post = Post.objects.select_for_update().get(pk=post.pk)
            old_thumbnail = post.thumbnail.name
        errors: dict[str, list[str]] = {}
        id_field = _apply(post, account, data, errors)
        figures, as_of = _figures(post, data, errors)
        if errors:
            raise ValidationError(errors)
        if picture is not None:
            post.thumbnail.save(picture.name, picture, save=False)
            names.append(post.thumbnail.name)
        try:
            with transaction.atomic():
                post.save()
        except IntegrityError:
            # Someone saved the same id between the check and this write.
            raise ValidationError({id_field: [_duplicate_id()]}) from None
        if "topics" in data:
            post.topics.set(data["topics"])
        upsert_post_values(
            PostValue(post.pk, metric, as_of, value, "form:" + account.platform)
            for metric, value in figures.items()
        )
        if picture is not None and old_thumbnail:
            transaction.on_commit(lambda: default_storage.delete(old_thumbnail))
    return post


def _duplicate_id() -> str:
    return _("This account already has a post with this id.")


def _apply(
    post: Post,
    account: SocialAccount,
    data: Mapping[str, Any],
    errors: dict[str, list[str]],
) -> str:
    """Set ``data`` on ``post`` and check it; return the field the id came from.

    Only what is given is checked: a pulled post whose link the platform
    spelled oddly can still be classified.
    """
    before_id = post.external_id if post.pk else None
    before_item = post.information_item_id
    for field, value in data.items():
        if field not in ("topics", *FIGURE_FIELDS):
            setattr(post, field, value)
    checked = set(data) | (
        {f.name for f in Post._meta.fields} if not post.pk else set()
    )
    id_field = "external_id"
    others = Post.objects.filter(account=account).exclude(pk=post.pk)
    if "external_id" in checked:
        post.external_id = (post.external_id or "").strip()
        if not post.external_id and post.permalink:
            post.external_id = _id_from_link(account.platform, post.permalink)
            id_field = "permalink"
        if not post.external_id:
            errors["permalink"] = [_("Give the post's link or its id at the platform.")]
        # Ids written by the CSV import are not limited to the safe set; an
        # edit that keeps one is not refused for it.
        elif post.external_id != before_id and not _SAFE_ID.fullmatch(post.external_id):
            errors["external_id"] = [
                _("Only letters, digits and the signs . _ : - may be used.")
            ]
        elif others.filter(external_id=post.external_id).exists():
            errors[id_field] = [_duplicate_id()]
    if (
        "permalink" in data
        and post.permalink
        and others.filter(permalink=post.permalink).exists()
    ):
        errors.setdefault("permalink", []).append(
            _("This account already has a post with this link.")
        )
    if (
        "published_at" in data
        and post.published_at
        and post.published_at > timezone.now()
    ):
        errors["published_at"] = [_("The date cannot be in the future.")]
    item = post.information_item
    # An item withdrawn after it was linked stays linked; a new link must
    # point at what the public can read, of the account's own OPD.
    if item is not None and item.pk != before_item:
        if item.opd_id != account.opd_id or not item.is_public:
            errors["information_item"] = [
                _("Choose a published item of the account's OPD.")
            ]
    try:
        post.full_clean(
            exclude=[
                f.name
                for f in Post._meta.fields
                if f.name not in checked or f.name in errors
            ]
            + ["account", "thumbnail"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    return id_field


def _figures(
    post: Post, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> tuple[dict[str, float], datetime.date]:
    """The figures given, checked, and the day they count for."""
    given = data.get("figures") or {}
    figures = {k: v for k, v in given.items() if v is not None}
    as_of = data.get("figures_as_of") or timezone.localdate()
    for metric, value in figures.items():
        if metric not in FIGURES:
            errors[metric] = [_("This field cannot be set here.")]
        elif not isinstance(value, int | float) or not value >= 0:
            errors[metric] = [_("Enter a number of 0 or more.")]
    if figures:
        if as_of > timezone.localdate():
            errors["figures_as_of"] = [_("The date cannot be in the future.")]
        elif post.published_at and as_of < timezone.localdate(post.published_at):
            errors["figures_as_of"] = [_("The figures cannot be older than the post.")]
    return {k: float(v) for k, v in figures.items()}, as_of
