"""The audit log's one writer, and the events it listens to.

``record`` writes an ``AuditEvent``; everything else here feeds it: who and
from where come from the current request (set by ``opds.middleware``), the
running Celery task, or the management command. Log-ins, log-outs and failed
log-ins come from Django's auth signals; changes to the PPID catalogue,
requests and the monthly evaluation from model signals with a field diff.
Writes that bypass signals (bulk writes, ``QuerySet.update``) call
``record`` themselves in their service.

Personal data never reaches the log: a requester's fields are recorded as
changed (``***``), never with their values.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest

from core.net import client_ip
from core.redaction import redact
from opds.models import AuditEvent

Action = AuditEvent.Action
Source = AuditEvent.Source
REDACTED = "***"
MAX_VALUE = 500


@dataclass(frozen=True)
class Context:
    """Where the code that is running was started from."""

    source: str
    name: str
    request: HttpRequest | None = None


_current: ContextVar[Context | None] = ContextVar("audit_context", default=None)


@contextmanager
def context(source: str, name: str, request: HttpRequest | None = None) -> Iterator:
    """Attribute every event recorded inside to this request, task or command."""
    token = _current.set(Context(source, name, request))
    try:
        yield
    finally:
        _current.reset(token)


def _process_name() -> str:
    argv = sys.argv or [""]
    program = os.path.basename(argv[0])
    if program in ("manage.py", "django-admin") and len(argv) > 1:
        return "manage.py {}".format(argv[1])
    return program


def _text(value: str, limit: int) -> str:
    # PostgreSQL refuses NUL in text; a path can carry one (%00).
    value = redact(value).replace("\x00", "\ufffd")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
    username: str | None = None,
    detail: Mapping[str, Any] | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Write one audit event; who and where come from the current request,
    task or command unless given. ``username`` names the account tried by a
    failed log-in (no actor is looked up then)."""
    current = _current.get()
    if request is None and current is not None:
        request = current.request
    request = getattr(request, "_request", request)
    ip = None
    if request is not None:
        source = Source.REQUEST
        name = "{} {}".format(request.method or "", request.path).strip()
        ip = client_ip(getattr(request, "_request", request))
        if actor is None and username is None:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                actor = user
    elif current is not None:
        source, name = current.source, current.name
    else:
        source, name = Source.SYSTEM, _process_name()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if username is None:
        username = actor.get_username() if actor is not None else ""
    event = AuditEvent(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_username=_text(username or "", 150),
        ip=ip,
        source=source,
        source_name=_text(name, 300),
        changes=dict(changes or {}),
        detail={k: _display(v) for k, v in (detail or {}).items()},
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk or "")
        spec = _SPECS.get(type(obj))
        if object_repr is None:
            object_repr = spec.name(obj) if spec else "#{}".format(obj.pk)
    event.object_repr = _text(object_repr or "", 200)
    event.save()
    return event


# --- Model changes -------------------------------------------------------------


@dataclass(frozen=True)
class Audited:
    """How one model's changes are recorded."""

    name: Callable[[Any], str]
    # Personal data: recorded as changed, never with its value.
    redacted: frozenset[str] = frozenset()
    # Derived or bulky columns that say nothing a reviewer needs.
    ignored: frozenset[str] = frozenset()
    fields: list[models.Field] = field(default_factory=list)


REQUESTER_FIELDS = frozenset(
    {
        "full_name",
        "nik_encrypted",
        "nik_masked",
        "address",
        "phone",
        "email",
        "occupation",
        "tracking_code_hash",
        # Free text written by or to the requester may name them.
        "requested_information",
        "purpose",
        "answer_letter",
        "redaction_notes",
        "incomplete_reason",
        "extension_reason",
    }
)

AUDITED: dict[str, Audited] = {
    "ppid.InformationItem": Audited(
        name=lambda o: o.title,
        ignored=frozenset({"updated_at", "extracted_text", "search_vector"}),
    ),
    "ppid.InformationFile": Audited(
        name=lambda o: o.original_name, ignored=frozenset({"extracted_text"})
    ),
    "ppid.ExclusionDecision": Audited(
        name=lambda o: "item #{}".format(o.item_id),
        ignored=frozenset({"reminder_sent_at"}),
    ),
    "ppid.InformationRequest": Audited(
        name=lambda o: o.registration_number, redacted=REQUESTER_FIELDS
    ),
    "ppid.Objection": Audited(
        name=lambda o: o.objection_number,
        # A ground-b objection holds its objector's identity itself.
        redacted=frozenset(
            {
                "description",
                "answer",
                "order_answer",
                "full_name",
                "address",
                "phone",
                "email",
                "tracking_code_hash",
            }
        ),
    ),
    "ppid.Dispute": Audited(
        name=lambda o: "objection #{}".format(o.objection_id),
        redacted=frozenset({"outcome"}),
    ),
    "ppid.YearlyReport": Audited(
        name=lambda o: "laporan {}".format(o.year),
        ignored=frozenset({"updated_at", "last_reminded_on"}),
    ),
    # Identity scans are personal data: their file names may carry a name.
    "ppid.RequestFile": Audited(
        name=lambda o: "{} #{}".format(o.kind, o.pk),
        redacted=frozenset({"original_name"}),
    ),
    # What an OPD charges is what objection ground f is judged against.
    "ppid.Tariff": Audited(
        name=lambda o: "tariff #{}".format(o.opd_id), ignored=frozenset({"updated_at"})
    ),
    # The Profil PPID, kept by PPID Utama in the admin.
    "ppid.PpidProfile": Audited(name=str, ignored=frozenset({"updated_at"})),
    "ppid.StandardProcedure": Audited(name=lambda o: o.title),
    # The calendar and the rules that set the deadlines (domain.md §8).
    "ppid.CalendarOverride": Audited(name=str),
    "ppid.CalendarYear": Audited(name=str),
    "ppid.CutiBersamaRule": Audited(name=str),
    "ppid.LocalDeadlineRule": Audited(name=str),
    "evaluations.MonthlyReport": Audited(name=str),
    "evaluations.Contest": Audited(
        name=lambda o: "item score #{}".format(o.item_score_id)
    ),
}
_SPECS: dict[type[models.Model], Audited] = {}


def _normal(value: Any, model_field: models.Field | None = None) -> Any:
    """A JSON value, equal before and after when the column did not change."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        places = getattr(model_field, "decimal_places", None)
        if places is not None:
            value = value.quantize(decimal.Decimal(1).scaleb(-places))
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _display(value: Any, name: str = "", redacted: frozenset[str] = frozenset()) -> Any:
    """A normal value as the log keeps it: personal data hidden, text short."""
    if value in (None, ""):
        return value
    if name in redacted:
        return REDACTED
    if isinstance(value, str) and name != "sha256":
        return _text(value, MAX_VALUE)
    return value


def diff(pairs: Mapping[str, tuple[Any, Any]]) -> dict[str, list[Any]]:
    """``{name: [before, after]}`` of the pairs that differ, as logged; for
    services that write with ``update()`` and so send no signal."""
    changes = {}
    for name, (old, new) in pairs.items():
        old, new = _normal(old), _normal(new)
        if old != new:
            changes[name] = [_display(old), _display(new)]
    return changes


def _values(spec: Audited, source: Mapping[str, Any] | models.Model) -> dict[str, Any]:
    if isinstance(source, models.Model):
        raw = {f.attname: getattr(source, f.attname) for f in spec.fields}
    else:
        raw = source
    return {f.name: _normal(raw[f.attname], f) for f in spec.fields if f.attname in raw}


def _shown(spec: Audited, name: str, value: Any) -> Any:
    return _display(value, name, spec.redacted)


# Only columns the log ignores were saved (e.g. extracted text).
NOT_AUDITED = object()


def _before_save(sender, instance, raw=False, using=None, update_fields=None, **kw):
    # One SELECT per update of an audited row, none on insert: the row as
    # stored, read inside the caller's transaction (services lock it first).
    if raw or instance.pk is None:
        return
    spec = _SPECS[sender]
    fields = spec.fields
    if update_fields is not None:
        fields = [
            f for f in fields if f.name in update_fields or f.attname in update_fields
        ]
        if not fields:
            instance.__dict__["_audit_before"] = NOT_AUDITED
            return
    stored = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values(*[f.attname for f in fields])
        .first()
    )
    instance.__dict__["_audit_before"] = stored


def _after_save(sender, instance, created, raw=False, update_fields=None, **kw):
    if raw:
        return
    spec = _SPECS[sender]
    stored = instance.__dict__.pop("_audit_before", None)
    if stored is NOT_AUDITED and not created:
        return
    after = _values(spec, instance)
    if created or stored is None:
        changes = {
            name: [None, _shown(spec, name, value)]
            for name, value in after.items()
            if value not in (None, "", "[]", "{}")
        }
        record(Action.CREATED, obj=instance, changes=changes)
        return
    before = _values(spec, stored)
    changes = {
        name: [_shown(spec, name, old), _shown(spec, name, after[name])]
        for name, old in before.items()
        if old != after[name]
    }
    if changes:
        record(Action.UPDATED, obj=instance, changes=changes)


def _after_delete(sender, instance, **kw):
    spec = _SPECS[sender]
    changes = {
        name: [_shown(spec, name, value), None]
        for name, value in _values(spec, instance).items()
        if value not in (None, "", "[]", "{}")
    }
    record(Action.DELETED, obj=instance, changes=changes)


# --- Log-ins ------------------------------------------------------------------


def _logged_in(sender, request=None, user=None, **kw):
    record(Action.LOGIN, actor=user, request=request)


def _logged_out(sender, request=None, user=None, **kw):
    record(Action.LOGOUT, actor=user, request=request)


def _login_failed(sender, credentials=None, request=None, **kw):
    # Django has already masked the password in ``credentials``; only the
    # name tried is kept.
    from django.contrib.auth import get_user_model

    credentials = credentials or {}
    tried = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get(
        "username", ""
    )
    record(Action.LOGIN_FAILED, username=str(tried or ""), request=request)


def record_refusal(request: HttpRequest, status: int) -> AuditEvent:
    """A 401 or 403 answer: the URL name and, for the API, the view."""
    match = getattr(request, "resolver_match", None)
    detail: dict[str, Any] = {"status": status}
    if match is not None:
        detail["url_name"] = match.view_name
        view = getattr(match.func, "cls", None) or getattr(
            match.func, "view_class", None
        )
        if view is not None:
            detail["view"] = "{}.{}".format(view.__module__, view.__qualname__)
        actions = getattr(match.func, "actions", None)
        if actions and request.method.lower() in actions:
            detail["action"] = actions[request.method.lower()]
    return record(Action.DENIED, request=request, detail=detail)


def record_token_login(request: HttpRequest, token_key: str) -> AuditEvent | None:
    """A log-in through the API's token endpoint (no session, no signal)."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=token_key).first()
    if token is None:
        return None
    return record(
        Action.LOGIN, actor=token.user, request=request, detail={"method": "token"}
    )


# --- Celery ---------------------------------------------------------------------

_task_tokens: dict[str, Token] = {}


def _task_started(task_id=None, task=None, **kw):
    # A task runs for the system, even when a request queued it (or ran it
    # in-process): the actor is None and the source names the task.
    _task_tokens[task_id] = _current.set(Context(Source.TASK, task.name))


def _task_finished(task_id=None, **kw):
    token = _task_tokens.pop(task_id, None)
    if token is None:
        return
    try:
        _current.reset(token)
    except ValueError:  # finished in another context than it started
        _current.set(None)


def connect() -> None:
    """Listen to log-ins, log-outs, tasks and the audited models' writes."""
    from celery.signals import task_postrun, task_prerun

    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")
    task_prerun.connect(_task_started, weak=False, dispatch_uid="audit-task")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="audit-task-end")
    for label, spec in AUDITED.items():
        model = apps.get_model(label)
        spec.fields[:] = [
            f for f in model._meta.concrete_fields if f.name not in spec.ignored
        ]
        _SPECS[model] = spec
        uid = "audit-{}".format(label)
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
