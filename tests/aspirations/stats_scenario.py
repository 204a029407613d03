"""A hand-built August 2026 of the inbox, for the statistics, the dashboard
and the evaluation item.

Office hours are 07:30-16:00 on working days; Monday 17 August 2026 (Hari
Kemerdekaan) is a holiday. Every step goes through the inbox's services at
a moment the test sets (``timezone.now`` is moved, as the services read it).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from aspirations import events
from aspirations.inbox import services
from aspirations.inbox.models import Case, State
from tests.factories import OpdFactory, UserFactory

AUGUST = datetime.date(2026, 8, 1)

# What no public figure may show.
CITIZEN_NAME = "Siti Aminah Rahayu"
CITIZEN_PHONE = "6281234567890"
CITIZEN_TEXT = "Jalan berlubang di Desa Kutasari belum diperbaiki"


def local(day: int, hour: int, minute: int = 0, month: int = 8) -> datetime.datetime:
    """A moment of 2026 in Purbalingga's time."""
    return datetime.datetime(
        2026, month, day, hour, minute, tzinfo=timezone.get_default_timezone()
    )


def mover(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.datetime], None]:
    """A function that moves the services' clock: ``at(moment)``."""

    def move(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


def answer(case: Case, by, text: str, **kwargs) -> None:
    """The OPD's reply as a person would send it: free text while the
    platform's window is open, WhatsApp's approved template after it."""
    kwargs.setdefault("reply_kind", services.reply_kinds(case)[0])
    open_kinds = {window.kind for window in services.open_windows(case)}
    if case.channel == events.WHATSAPP and "free_form" not in open_kinds:
        kwargs.update(reply_kind="template", template="aspirasi_tindak_lanjut")
    services.reply(case=case, by=by, text=text, **kwargs)


def stub_sending(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replies on the platforms go nowhere: the channels' sender is a stub."""
    monkeypatch.setitem(services._hooks, "send", lambda pk: None)


def whatsapp(sent_at: datetime.datetime, n: int, text: str = CITIZEN_TEXT) -> Case:
    """A WhatsApp message from a citizen, as the webhook hands it in."""
    message = services.receive(
        event=events.Inbound(
            platform=events.WHATSAPP,
            channel=events.WHATSAPP,
            account_external_id="pbg-line",
            external_id="wamid.{}".format(n),
            thread_key="{}{}".format(CITIZEN_PHONE, n),
            author_id="{}{}".format(CITIZEN_PHONE, n),
            author_name=CITIZEN_NAME,
            text=text,
            sent_at=sent_at,
        )
    )
    return message.case


def comment(
    sent_at: datetime.datetime, n: int, channel: str = events.INSTAGRAM_COMMENT
) -> Case:
    """A comment under an OPD's post."""
    platform = channel.split("_")[0]
    message = services.receive(
        event=events.Inbound(
            platform=platform,
            channel=channel,
            account_external_id="opd-account",
            external_id="comment-{}".format(n),
            thread_key="comment-{}".format(n),
            author_id="user-{}".format(n),
            author_name=CITIZEN_NAME,
            text=CITIZEN_TEXT,
            sent_at=sent_at,
        )
    )
    return message.case


@dataclass
class August:
    """The month's cases and people."""

    dinkes: object
    dinhub: object
    coordinator: object
    dinkes_admin: object
    dinhub_admin: object
    on_time: Case  # first response and follow-up on time, over the holiday
    late: Case  # both late
    portal: Case  # replied, never followed up: overdue
    unrouted: Case  # never routed nor answered
    referred: Case
    archived: Case
    converted: Case
    july: Case
    september: Case


def build_august(at) -> August:
    """Seven cases received in August 2026, one in July and one just after
    August ends (local time), in every state the figures count."""
    dinkes = OpdFactory(short_name="DINKES", name="Dinas Kesehatan")
    dinhub = OpdFactory(short_name="DINHUB", name="Dinas Perhubungan")
    coordinator = UserFactory(username="koordinator", role="dinkominfo")
    dinkes_admin = UserFactory(username="admin-dinkes", role="opd_admin", opd=dinkes)
    dinhub_admin = UserFactory(username="admin-dinhub", role="opd_admin", opd=dinhub)

    # Friday 14 August 15:00: one office hour that day, Monday is a holiday,
    # so the first response is due on Tuesday 18 at 15:00.
    on_time = whatsapp(local(14, 15), 1)
    services.correct_triage(case=on_time, by=coordinator, topic="roads")
    at(local(14, 15, 30))
    on_time = services.route(case=on_time, by=coordinator, opd=dinkes)
    at(local(18, 10))
    answer(on_time, dinkes_admin, "Terima kasih, kami cek.")
    at(local(21, 9))
    services.record_follow_up(case=on_time, by=dinkes_admin)
    at(local(21, 10))
    services.close(case=on_time, by=dinkes_admin)

    # Monday 3 August 09:00: due Tuesday 4 at 09:00, answered Wednesday 5
    # at 09:00 (17 office hours); follow-up due 10 August, done on the 12th.
    late = comment(local(3, 9), 2)
    services.correct_triage(case=late, by=coordinator, topic="roads")
    at(local(3, 10))
    late = services.route(case=late, by=coordinator, opd=dinkes)
    at(local(5, 9))
    answer(late, dinkes_admin, "Mohon maaf, kami tindak lanjuti.")
    at(local(12, 9))
    services.record_follow_up(case=late, by=dinkes_admin)

    # The portal's form (no 1×24-hour clock): replied after 4 office hours,
    # never followed up (due 11 August).
    portal = services.create_case(
        channel=events.PORTAL, text=CITIZEN_TEXT, received_at=local(4, 8)
    )
    at(local(4, 9))
    portal = services.route(case=portal, by=coordinator, opd=dinkes)
    at(local(4, 12))
    answer(portal, dinkes_admin, "Sedang kami pelajari.")

    # Never routed, never answered.
    unrouted = whatsapp(local(20, 10), 3)

    # To DINHUB, referred to SP4N-LAPOR! by hand.
    referred = comment(local(6, 8), 4, events.FACEBOOK_COMMENT)
    at(local(6, 9))
    referred = services.route(case=referred, by=coordinator, opd=dinhub)
    Case.objects.filter(pk=referred.pk).update(
        state=State.REFERRED_LAPOR, lapor_tracking_id="PBG-123456"
    )

    # Spam, archived by the coordinator.
    archived = whatsapp(local(7, 8), 5, text="Promo pinjaman cepat")
    at(local(7, 9))
    services.archive(case=archived, by=coordinator, reason="Spam")

    # To DINHUB, converted to an information request.
    converted = comment(local(10, 8), 6, events.YOUTUBE_COMMENT)
    at(local(10, 9))
    converted = services.route(case=converted, by=coordinator, opd=dinhub)
    Case.objects.filter(pk=converted.pk).update(state=State.CONVERTED_PPID)

    # Just outside the month on either side (local time).
    july = whatsapp(local(31, 23, month=7), 7)
    september = whatsapp(local(1, 0, 30, month=9), 8)
    at(local(10, 10, month=9))
    return August(
        dinkes=dinkes,
        dinhub=dinhub,
        coordinator=coordinator,
        dinkes_admin=dinkes_admin,
        dinhub_admin=dinhub_admin,
        on_time=on_time,
        late=late,
        portal=portal,
        unrouted=unrouted,
        referred=referred,
        archived=archived,
        converted=converted,
        july=july,
        september=september,
    )
