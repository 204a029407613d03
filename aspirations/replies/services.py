"""Replies leave through each channel's API: the sender of the inbox's
queued messages, and hiding a public comment that exposes personal data.

What the platform refuses (a window closed, a second private reply, a
missing permission) marks the message failed with the reason in Indonesian
on the case page; nothing is retried by itself, because a timed-out send may
have reached the citizen and must not reach them twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aspirations import events
from aspirations.channels import clients
from aspirations.inbox import services as inbox
from aspirations.inbox.models import Case, CaseEvent, Message
from core import crypto
from opds import permissions as perms
from opds.models import User
from ppid.requests import personal_data
from socialposts.accounts.models import SocialAccount
from socialposts.pulls import tokens
from socialposts.pulls.clients import (
    NotAllowed,
    PlatformError,
    QuotaExceeded,
    RateLimited,
    TokenInvalid,
)

log = logging.getLogger(__name__)


def _refusal(exc: PlatformError) -> str:
    """What staff read when the platform refused a reply."""
    if isinstance(exc, clients.WindowClosed):
        return _("The platform's reply window had closed; the reply was not sent.")
    if isinstance(exc, clients.AlreadyReplied):
        return _("This comment already has its one private reply.")
    if isinstance(exc, clients.NotReplyable):
        return _("The platform does not accept a reply to this comment.")
    if isinstance(exc, clients.TemplateRefused):
        return _("WhatsApp has not approved this template.")
    if isinstance(exc, TokenInvalid):
        return _("The account's connection has expired: connect it again.")
    if isinstance(exc, NotAllowed):
        return _("The account's connection lacks the permission to reply.")
    if isinstance(exc, QuotaExceeded | RateLimited):
        return _("The platform's quota is spent for now; try again later.")
    return _("The platform did not answer; the reply was not sent. Try again.")


def _comment_id(case: Case) -> str:
    """The top-level comment a comment case answers under."""
    return case.thread_key.split(":", 1)[-1]


def _linked_page(account: Any) -> str:
    """The Facebook Page an Instagram account on Facebook Login is linked
    to: its messages leave through the Page (POST /{page-id}/messages)."""
    page = (
        SocialAccount.objects.filter(opd_id=account.opd_id, platform="facebook")
        .exclude(external_id="")
        .values_list("external_id", flat=True)
        .first()
    )
    return page or ""


def _meta_client(account: Any) -> Any:
    token = tokens.access_token(account)
    if account.platform == "facebook":
        return clients.FacebookPageInbox(account.external_id, token)
    instagram_login = account.meta_login == "instagram"
    return clients.InstagramInbox(
        account.external_id,
        token,
        instagram_login=instagram_login,
        page_id="" if instagram_login else _linked_page(account),
    )


def _deliver(message: Message) -> str:
    """Send one queued message; the platform's id of what was sent."""
    case = message.case
    template = next(
        (item.get("template") for item in message.attachments if "template" in item),
        "",
    )
    if case.channel == events.WHATSAPP:
        line = case.whatsapp_line
        if line is None or not line.access_token_encrypted:
            raise NotAllowed("no WhatsApp line token")
        client = clients.WhatsAppClient(
            line.phone_number_id,
            crypto.decrypt(line.access_token_encrypted, settings.SOCIAL_TOKEN_KEYS),
        )
        to = personal_data.decrypt(case.contact.phone_encrypted)
        try:
            if message.reply_kind == Message.ReplyKind.TEMPLATE:
                return client.send_template(
                    to, template, settings.ASPIRATION_WHATSAPP_TEMPLATE_LANGUAGE
                )
            return client.send_text(to, message.text)
        finally:
            client.close()
    account = case.account
    if account is None or not account.access_token_encrypted:
        raise NotAllowed("the account is not connected")
    if case.channel == events.YOUTUBE_COMMENT:
        client = clients.YouTubeInbox(account.external_id, tokens.access_token(account))
        try:
            return client.reply(_comment_id(case), message.text)
        finally:
            client.close()
    client = _meta_client(account)
    try:
        if case.channel in (events.INSTAGRAM_MESSAGE, events.MESSENGER):
            late = not any(
                window.kind == "direct_message" for window in inbox.open_windows(case)
            )
            return client.send_message(
                case.contact.external_id, message.text, human_agent=late
            )
        if message.reply_kind == Message.ReplyKind.PRIVATE:
            return client.private_reply(_comment_id(case), message.text)
        return client.reply_to_comment(_comment_id(case), message.text)
    finally:
        client.close()


def send(message_id: int) -> str:
    """Send a queued reply through its channel and record the outcome
    (sent with the platform's id, or failed with the reason)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("case__contact", "case__account", "case__whatsapp_line")
            .get(pk=message_id)
        )
        if message.delivery != Message.Delivery.QUEUED:
            # Sent (or failed) before: a redelivered task sends nothing twice.
            return message.delivery
        # Claimed before the call: a worker that dies mid-send leaves it
        # "sent" without an id rather than sending it again.
        message.delivery = Message.Delivery.SENT
        message.save(update_fields=["delivery"])
    try:
        external_id = _deliver(message)
    except PlatformError as exc:
        log.warning("reply %s refused by %s: %s", message.pk, message.platform, exc)
        Message.objects.filter(pk=message.pk).update(
            delivery=Message.Delivery.FAILED, delivery_error=_refusal(exc)[:300]
        )
        return Message.Delivery.FAILED
    Message.objects.filter(pk=message.pk).update(external_id=external_id[:200])
    return Message.Delivery.SENT


def hide_comment(*, case: Case, by: User) -> Case:
    """Hide the case's public comment on the platform (it exposes a phone
    number or a NIK); the coordinator or the OPD handling it."""
    if not perms.can_handle_case(by, case):
        raise PermissionDenied(_("You may not handle this case."))
    if case.channel not in (events.INSTAGRAM_COMMENT, events.FACEBOOK_COMMENT):
        raise ValidationError(
            {"hide": _("Only Instagram and Facebook comments can be hidden from here.")}
        )
    if case.account is None or not case.account.access_token_encrypted:
        raise ValidationError(
            {"hide": _("The account is not connected to the portal.")}
        )
    client = _meta_client(case.account)
    try:
        client.hide_comment(_comment_id(case))
    except PlatformError as exc:
        raise ValidationError({"hide": _refusal(exc)}) from exc
    finally:
        client.close()
    with transaction.atomic():
        Message.objects.filter(
            case=case,
            external_id=_comment_id(case),
            platform=events.PLATFORM_OF[case.channel],
        ).update(hidden_on_platform=True)
        Case.objects.filter(pk=case.pk).update(personal_data_exposed=False)
        case.refresh_from_db()
        inbox.record_event(case=case, action=CaseEvent.Action.HIDDEN, by=by)
    return case
