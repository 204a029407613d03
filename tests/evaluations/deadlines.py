"""Requests and objections with their legal deadlines, for the evaluation's
tests: made directly (the ppid services are tested in tests/ppid), with the
deadlines computed by the portal's own clock."""

from __future__ import annotations

import datetime

import factory

from ppid.calendar.workdays import WorkingCalendar
from ppid.requests.models import InformationRequest, Objection
from ppid.requests.services import OBJECTION_ANSWER_DAYS, compute_deadlines


class InformationRequestFactory(factory.django.DjangoModelFactory):
    """A request received on ``received_on``; answered when ``answered_on``
    is given. Its deadlines come from ``compute_deadlines``."""

    class Meta:
        model = InformationRequest

    registration_number = factory.Sequence(lambda n: "{:04d}/PPID-EVAL/2026".format(n))
    tracking_code_hash = "0" * 64
    requester_type = "perorangan"
    full_name = "Siti Aminah"
    address = "Jl. Jenderal Sudirman 1, Purbalingga"
    requested_information = "Daftar penerima bantuan sosial Desa Bojong 2026"
    purpose = "Penelitian skripsi"
    access_method = "salinan"
    copy_format = "softcopy"
    delivery_method = "email"
    channel = "surat"
    received_on = datetime.date(2026, 9, 28)
    answered_on = None
    status = factory.LazyAttribute(
        lambda o: (
            InformationRequest.Status.ANSWERED
            if o.answered_on
            else InformationRequest.Status.IN_PROCESS
        )
    )
    decision = factory.LazyAttribute(
        lambda o: InformationRequest.Decision.GRANTED_FULL if o.answered_on else ""
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        info_request = model_class(*args, **kwargs)
        compute_deadlines(info_request)
        info_request.save()
        return info_request


class ObjectionFactory(factory.django.DjangoModelFactory):
    """An objection to the Atasan PPID filed on ``filed_on``, due 30
    working days later (UU Pasal 36(2)); answered when ``answered_on`` is
    given."""

    class Meta:
        model = Objection

    objection_number = factory.Sequence(lambda n: "{:04d}/KBR-EVAL/2026".format(n))
    request = factory.SubFactory(
        InformationRequestFactory,
        received_on=datetime.date(2026, 8, 3),
        answered_on=datetime.date(2026, 8, 10),
    )
    # The OPD the objection is about: its request's (the service sets it so).
    opd = factory.LazyAttribute(lambda o: o.request.opd if o.request else None)
    reason = Objection.Reason.E
    description = "Informasi yang diberikan tidak lengkap."
    channel = "surat"
    filed_on = datetime.date(2026, 9, 1)
    due_on = factory.LazyAttribute(
        lambda o: WorkingCalendar(o.filed_on, o.filed_on).add(
            o.filed_on, OBJECTION_ANSWER_DAYS
        )
    )
    answered_on = None
    status = factory.LazyAttribute(
        lambda o: Objection.Status.ANSWERED if o.answered_on else Objection.Status.FILED
    )
    decision = factory.LazyAttribute(
        lambda o: Objection.Decision.UPHELD if o.answered_on else ""
    )
