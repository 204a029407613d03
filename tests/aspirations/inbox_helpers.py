"""Helpers of the inbox's staff-page tests (pages helper): cases opened the
way the channels open them, the services' clock, the roles."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from aspirations import events
from aspirations.inbox import services
from aspirations.inbox.models import Case, Message
from tests.factories import UserFactory

JAKARTA = ZoneInfo("Asia/Jakarta")
# A Tuesday in a week without holidays.
T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)
NIK = "3303012345670001"
PHONE = "081234567890"


def moment(day: str, time: str = "10:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat("{}T{}".format(day, time)).replace(
        tzinfo=JAKARTA
    )


def install_clock(monkeypatch):
    """The services' "now" (and so their "today"), set by the test (each
    test module's ``clock`` fixture)."""
    current = {"now": T0}
    monkeypatch.setattr(services, "now", lambda: current["now"])

    def set_now(value: datetime.datetime) -> datetime.datetime:
        current["now"] = value
        return value

    return set_now


def capture_sends(monkeypatch) -> list[int]:
    """The channels' sender: the ids of the messages handed to it (each
    test module's ``sent`` fixture)."""
    handed: list[int] = []
    monkeypatch.setitem(services._hooks, "send", handed.append)
    return handed


def make_coordinator():
    """The inbox coordinator (Dinkominfo)."""
    return UserFactory(username="koordinator", role="dinkominfo")


def wa_case(
    n: int,
    text: str = "Lampu jalan di Desa Kutasari mati sudah seminggu",
    at: datetime.datetime = T0,
    author: str = "Sri Lestari",
) -> Case:
    """A WhatsApp conversation's case, opened by the citizen's first message."""
    number = "6281200{:05d}".format(n)
    message = services.receive(
        event=events.Inbound(
            platform=events.WHATSAPP,
            channel=events.WHATSAPP,
            account_external_id="109876543210",
            external_id="wamid.{}".format(n),
            thread_key=number,
            author_id=number,
            author_name=author,
            text=text,
            sent_at=at,
        )
    )
    return message.case


def citizen_writes(case: Case, n: int, text: str, at: datetime.datetime) -> Message:
    """Another message of the citizen on ``case``'s WhatsApp conversation."""
    first = case.messages.filter(direction=Message.Direction.IN).first()
    number = first.external_id  # only the id must be unique
    return services.receive(
        event=events.Inbound(
            platform=events.WHATSAPP,
            channel=events.WHATSAPP,
            account_external_id="109876543210",
            external_id="{}-{}".format(number, n),
            thread_key="6281200{:05d}".format(int(number.split(".")[1])),
            author_id="x",
            author_name=first.author_name,
            text=text,
            sent_at=at,
        )
    )


def in_state(case: Case, state: str, **fields) -> Case:
    """``case`` put in ``state`` directly (the state machine's tests start
    from every state)."""
    Case.objects.filter(pk=case.pk).update(state=state, **fields)
    case.refresh_from_db()
    return case


def routed(case: Case, by, opd) -> Case:
    return services.route(case=case, by=by, opd=opd)
