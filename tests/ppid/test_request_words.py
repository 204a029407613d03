"""What staff read after acting on a request: what happened, in words, and
no button that could only be refused (issue 18, point 14)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from ppid.requests import services as rs
from ppid.requests.models import InformationRequest
from tests.ppid.test_request_views import form_data

pytestmark = pytest.mark.django_db
D = datetime.date


def said(response) -> list[str]:
    """The messages shown on the page the action led to."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def in_indonesian(msgid: str, **values) -> str:
    with translation.override("id"):
        return (
            translation.gettext(msgid) % values
            if values
            else translation.gettext(msgid)
        )


@pytest.fixture
def answered(client, on, opd, opd_admin):
    on(D(2026, 3, 16))
    assert (
        client.post(reverse("ppid:request-form"), form_data(opd=opd)).status_code == 302
    )
    found = InformationRequest.objects.get()
    client.force_login(opd_admin)
    step = lambda name: reverse("ppid:request-action", args=[found.url_key, name])  # noqa: E731
    complete = client.post(step("complete"), follow=True)
    answer = client.post(
        step("answer"), {"decision": "granted_full", "letter": "Terlampir"}, follow=True
    )
    assert answer.redirect_chain
    found.refresh_from_db()
    return found, complete, answer


def test_an_answer_says_it_went_to_the_requester(answered):
    _found, complete, answer = answered
    assert said(complete) == [
        in_indonesian("The request is complete: the time to answer runs.")
    ]
    messages = said(answer)
    assert messages == [in_indonesian("The answer was sent to the requester.")]
    # Not the name of the closed status ("Selesai").
    assert in_indonesian("Done.") not in messages


def test_routing_names_the_opd(client, on, opd, ppid_utama):
    on(D(2026, 3, 16))
    client.post(reverse("ppid:request-form"), form_data())
    found = InformationRequest.objects.get()
    client.force_login(ppid_utama)
    url = reverse("ppid:request-action", args=[found.url_key, "route"])
    response = client.post(url, {"opd": opd.pk}, follow=True)
    assert said(response) == [
        in_indonesian("The request was passed to %(opd)s.", opd=str(opd))
    ]


def test_close_is_offered_only_when_no_objection_holds_the_request_open(
    client, on, answered, atasan
):
    found, _complete, _answer = answered
    detail = reverse("ppid:request-staff-detail", args=[found.url_key])
    close = reverse("ppid:request-action", args=[found.url_key, "close"])
    assert close in client.get(detail).content.decode()
    objection = rs.file_objection(
        info_request=found, reason="e", description="Jawaban tidak lengkap"
    )
    assert close not in client.get(detail).content.decode()
    rs.answer_objection(
        objection=objection, by=atasan, decision="overturned", answer="Beri datanya."
    )
    # The Atasan PPID's order is pending: closing would be refused.
    assert close not in client.get(detail).content.decode()
    closed = client.post(close, follow=True)
    found.refresh_from_db()
    assert found.status == InformationRequest.Status.ANSWERED
    assert in_indonesian("The request was closed.") not in said(closed)
