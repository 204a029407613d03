"""Which writes move the staff work counters (``core/work.py``): a save or
delete of any row the navbar's badges, the work queues or the dashboard's
blocks read.

Rows of one OPD bump that OPD's counter, and the OPD they belonged to when
they were read (an item moved in the admin, a request or case routed
elsewhere leaves the old OPD's page too). Rows every staff page may show
(the evaluation's months and contests, objections, the calendar, deadline
rules, the registry) bump the regency's. Accounts and yearly reports are
shown to the kabupaten roles only: any change's counter.

Writes that send no signal (``update()``, bulk and raw SQL) call
``core.work.changed`` in their services: the evaluation's scores
(``evaluations.services``), the social pulls, imports and token checks
(``socialposts``; the posts' admin too). The calendar's holidays need no
call: they are written with their year's row, whose signal bumps. The
evaluation's OPD and item scores, and posts and daily figures on delete,
have no receiver here on purpose: it would make the report's and the
account's cascading deletes load every row.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_init, post_save

from core import work

# Models of one OPD's work (their ``opd`` field).
OPD_ROWS = (
    "ppid.InformationItem",
    "ppid.InformationRequest",
    "aspirations.Case",
    "socialposts.SocialAccount",
)
# Rows of an account: its OPD's work. Saves only: they are deleted with
# their account (whose delete bumps its OPD), and a receiver would make
# that cascade load every post and metric.
ACCOUNT_ROWS = ("socialposts.Post", "socialposts.AccountMetricDaily")
REGENCY_ROWS = (
    "opds.Opd",
    "ppid.Objection",
    "ppid.Dispute",
    "ppid.ExclusionDecision",
    "ppid.Subtype",
    "ppid.CalendarOverride",
    "ppid.CalendarYear",
    "ppid.CalendarHoliday",
    "ppid.CutiBersamaRule",
    "ppid.LocalDeadlineRule",
    "evaluations.Framework",
    "evaluations.Target",
    "evaluations.Indicator",
    "evaluations.Item",
    "evaluations.MonthlyReport",
    "evaluations.Contest",
)
ANY_ROWS = ("opds.User", "ppid.YearlyReport")
# Where a row keeps the OPD it was read with.
_READ_WITH = "_work_opd_id"


def _remember_opd(sender: Any, instance: Any, **kw: Any) -> None:
    instance.__dict__[_READ_WITH] = instance.__dict__.get("opd_id")


def _opd_row_changed(sender: Any, instance: Any, raw: bool = False, **kw: Any) -> None:
    if raw:
        return
    work.changed({instance.opd_id, instance.__dict__.get(_READ_WITH)})
    # Saved again later, it moves from where it is now.
    instance.__dict__[_READ_WITH] = instance.opd_id


def _account_row_changed(
    sender: Any, instance: Any, raw: bool = False, **kw: Any
) -> None:
    if raw:
        return
    account_model = apps.get_model("socialposts.SocialAccount")
    if sender.account.is_cached(instance):
        opd_id = instance.account.opd_id
    else:
        opd_id = (
            account_model.objects.filter(pk=instance.account_id)
            .values_list("opd_id", flat=True)
            .first()
        )
    work.changed([opd_id])


def _regency_row_changed(sender: Any, raw: bool = False, **kw: Any) -> None:
    if not raw:
        work.changed(regency=True)


def _any_row_changed(
    sender: Any, raw: bool = False, update_fields: Any = None, **kw: Any
) -> None:
    # A log-in writes last_login only: nothing a staff page shows.
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    work.changed()


def connect() -> None:
    """Listen to the writes of every model the staff's work reads."""
    for label in OPD_ROWS:
        model = apps.get_model(label)
        uid = "staff-work-{}".format(label)
        post_init.connect(_remember_opd, sender=model, dispatch_uid=uid)
        post_save.connect(_opd_row_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_opd_row_changed, sender=model, dispatch_uid=uid)
    for label in ACCOUNT_ROWS:
        model = apps.get_model(label)
        uid = "staff-work-{}".format(label)
        post_save.connect(_account_row_changed, sender=model, dispatch_uid=uid)
    for labels, receiver in (
        (REGENCY_ROWS, _regency_row_changed),
        (ANY_ROWS, _any_row_changed),
    ):
        for label in labels:
            model = apps.get_model(label)
            uid = "staff-work-{}".format(label)
            post_save.connect(receiver, sender=model, dispatch_uid=uid)
            post_delete.connect(receiver, sender=model, dispatch_uid=uid)
