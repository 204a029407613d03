"""Every permission rule of the portal, in one place.

Views, API viewsets, the admin and services ask these predicates; none of
them checks a role on its own. Anonymous visitors are citizens: they see
what is public and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve
from rest_framework import permissions

from opds.models import Opd, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser

Role = User.Role

# Roles that work across every OPD and may read any OPD's internal data.
KABUPATEN_ROLES = frozenset({Role.DINKOMINFO, Role.PPID_UTAMA, Role.ATASAN_PPID})


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _superuser(user: AnyUser) -> bool:
    return _active(user) and user.is_superuser


def _role(user: AnyUser) -> str | None:
    return (user.role or None) if _active(user) else None


def is_staff_user(user: AnyUser) -> bool:
    """Whether the account has any portal role (the staff side of the portal)."""
    return _superuser(user) or _role(user) is not None


def is_opd_admin_of(user: AnyUser, opd: Opd) -> bool:
    """Whether the account is the OPD admin (PPID Pelaksana) of ``opd``."""
    return _role(user) == Role.OPD_ADMIN and user.opd_id == opd.pk


def can_view_opd_internals(user: AnyUser, opd: Opd) -> bool:
    """Staff pages of an OPD: kabupaten roles see all, an OPD admin its own."""
    return (
        _superuser(user) or _role(user) in KABUPATEN_ROLES or is_opd_admin_of(user, opd)
    )


def can_manage_opd_data(user: AnyUser, opd: Opd) -> bool:
    """The OPD's profile, PPID items and social-media accounts.

    Only that OPD's admin, and only while the OPD exists: a merged OPD is
    history and takes no new data.
    """
    return _superuser(user) or (is_opd_admin_of(user, opd) and opd.is_active)


def can_change_registry(user: AnyUser) -> bool:
    """Creating, merging and renaming OPDs changes the legal structure."""
    return _superuser(user)


def can_publish_ppid_items(user: AnyUser) -> bool:
    """PPID Utama reviews and publishes the PPID items of every OPD."""
    return _superuser(user) or _role(user) == Role.PPID_UTAMA


def can_route_requests(user: AnyUser) -> bool:
    """PPID Utama routes information requests to OPDs."""
    return can_publish_ppid_items(user)


def can_decide_objections(user: AnyUser) -> bool:
    """Objections (keberatan) are decided by the Atasan PPID."""
    return _superuser(user) or _role(user) == Role.ATASAN_PPID


def opds_visible_to(
    user: AnyUser, queryset: QuerySet[Opd] | None = None
) -> QuerySet[Opd]:
    """OPDs whose internal pages ``user`` may open (the dashboard's scope)."""
    return _opd_scope(user, Opd.objects.all() if queryset is None else queryset, "pk")


def _opd_scope(user: AnyUser, queryset: QuerySet, opd_field: str) -> QuerySet:
    """The rows of ``queryset`` in ``user``'s scope: all for kabupaten
    roles, its own OPD's for an OPD admin, none for anyone else."""
    if _superuser(user) or _role(user) in KABUPATEN_ROLES:
        return queryset
    if _role(user) == Role.OPD_ADMIN:
        return queryset.filter(**{opd_field: user.opd_id})
    return queryset.none()


# --- PPID items --------------------------------------------------------------
# Items are imported lazily: ppid depends on opds, not the other way round.


def items_visible_to(user: AnyUser, queryset: QuerySet | None = None) -> QuerySet:
    """Items ``user`` may know exist: everything public, plus its own work.

    Excluded items are not public as items while their exclusion holds: the
    public sees them only as rows of the DIK register. What is public is
    ``ppid.catalogue.models.public_items_q``'s to say.
    """
    from ppid.catalogue.models import InformationItem, public_items_q

    queryset = InformationItem.objects.all() if queryset is None else queryset
    public = public_items_q()
    if _superuser(user) or _role(user) in KABUPATEN_ROLES:
        return queryset
    if _role(user) == Role.OPD_ADMIN:
        return queryset.filter(public | Q(opd_id=user.opd_id))
    return queryset.filter(public)


def can_view_item(user: AnyUser, item: Any) -> bool:
    """The per-object form of ``items_visible_to``."""
    return (
        item.is_public
        or _superuser(user)
        or _role(user) in KABUPATEN_ROLES
        or is_opd_admin_of(user, item.opd)
    )


def can_view_file(user: AnyUser, file: Any) -> bool:
    """A file follows its item, except the redacted public version of a
    partly excluded item, which the public reads in the DIK register."""
    item = file.item
    if can_view_item(user, item):
        return True
    return (
        file.is_redacted_version
        and item.is_excluded
        and item.status == item.Status.PUBLISHED
        and getattr(getattr(item, "exclusion", None), "scope", None) == "partial"
    )


def can_create_item(user: AnyUser, opd: Opd) -> bool:
    """Filing a new item for ``opd``."""
    return can_manage_opd_data(user, opd)


def can_edit_item(user: AnyUser, item: Any) -> bool:
    """Drafts are their OPD's; published items may be kept current.

    The OPD admin answers for its information in law, so it may update a
    published item (every change is in the public change log). Published
    excluded items change only by a new decision of PPID Utama.
    """
    Status = item.Status
    if item.status == Status.DRAFT:
        return can_manage_opd_data(user, item.opd)
    if item.status == Status.PUBLISHED:
        if item.is_excluded:
            return can_publish_ppid_items(user)
        return can_manage_opd_data(user, item.opd) or can_publish_ppid_items(user)
    return False


def can_delete_item(user: AnyUser, item: Any) -> bool:
    """Only drafts are deleted; anything once submitted stays on record."""
    return item.status == item.Status.DRAFT and can_manage_opd_data(user, item.opd)


def can_submit_item(user: AnyUser, item: Any) -> bool:
    """The OPD admin sends a draft to PPID Utama for review."""
    return item.status == item.Status.DRAFT and can_manage_opd_data(user, item.opd)


def can_publish_item(user: AnyUser, item: Any) -> bool:
    """PPID Utama publishes what was submitted; a delegated OPD its own."""
    Status = item.Status
    if can_publish_ppid_items(user):
        return item.status == Status.SUBMITTED
    # Delegation covers ordinary information; a DIK entry is always
    # published by PPID Utama.
    delegated = (
        item.opd.ppid_publishing_delegated
        and not item.is_excluded
        and can_manage_opd_data(user, item.opd)
    )
    return delegated and item.status in (Status.DRAFT, Status.SUBMITTED)


def can_return_item(user: AnyUser, item: Any) -> bool:
    """PPID Utama sends a submitted item back to its OPD as a draft."""
    return item.status == item.Status.SUBMITTED and can_publish_ppid_items(user)


def can_withdraw_item(user: AnyUser, item: Any) -> bool:
    """Withdrawing is publishing undone: the same people may do it."""
    if item.status != item.Status.PUBLISHED:
        return False
    return can_publish_ppid_items(user) or (
        item.opd.ppid_publishing_delegated
        and not item.is_excluded
        and can_manage_opd_data(user, item.opd)
    )


def can_open_excluded_item(user: AnyUser, item: Any) -> bool:
    """Ending an exclusion is PPID Utama's recorded decision (PP 61/2010).

    Only an exclusion in force can end: a draft's decision is not yet made,
    and its OPD changes the draft instead.
    """
    return (
        item.is_excluded
        and item.status == item.Status.PUBLISHED
        and can_publish_ppid_items(user)
    )


def can_delegate_publishing(user: AnyUser) -> bool:
    """PPID Utama decides which OPDs publish without review."""
    return can_publish_ppid_items(user)


# --- Information requests ------------------------------------------------------
# A requester is anonymous: the tracking code is their key, checked in
# ppid.requests.services; these rules are for staff.


def requests_visible_to(user: AnyUser, queryset: QuerySet | None = None) -> QuerySet:
    """Requests ``user`` may see: kabupaten roles all, an OPD admin its OPD's."""
    from ppid.requests.models import InformationRequest

    queryset = InformationRequest.objects.all() if queryset is None else queryset
    return _opd_scope(user, queryset, "opd_id")


def can_view_request(user: AnyUser, info_request: Any) -> bool:
    """The per-object form of ``requests_visible_to``."""
    if _superuser(user) or _role(user) in KABUPATEN_ROLES:
        return True
    return info_request.opd_id is not None and is_opd_admin_of(user, info_request.opd)


def can_record_requests(user: AnyUser, channel: str | None = None) -> bool:
    """Staff who receive requests on paper, by e-mail or in person; a
    citizen's message converted from the aspiration inbox (channel
    ``aspirasi``) may also be recorded by the inbox's coordinator, who
    received it."""
    if channel == "aspirasi" and can_coordinate_aspirations(user):
        return True
    return can_route_requests(user) or _role(user) == Role.OPD_ADMIN


def can_process_request(user: AnyUser, info_request: Any) -> bool:
    """Register, check, extend, answer and close: PPID Utama for every
    request, the PPID Pelaksana (OPD admin) for those routed to its OPD."""
    return can_route_requests(user) or (
        info_request.opd_id is not None and is_opd_admin_of(user, info_request.opd)
    )


def can_view_full_nik(user: AnyUser, info_request: Any) -> bool:
    """Only whoever handles the request reads the NIK in full: the OPD's
    PPID Pelaksana once routed, PPID Utama before. Everyone else, superuser
    included, sees it masked (UU 27/2022: access on a need-to-know basis)."""
    if info_request.opd_id is not None:
        return is_opd_admin_of(user, info_request.opd)
    return _role(user) == Role.PPID_UTAMA


def can_view_identity_scan(user: AnyUser, info_request: Any) -> bool:
    """The identity scan follows the NIK."""
    return can_view_full_nik(user, info_request)


def can_cite_exclusion(user: AnyUser, item: Any) -> bool:
    """A refusal rests on a DIK entry: PPID Utama may cite any, an OPD's
    PPID Pelaksana only its own OPD's."""
    return can_route_requests(user) or is_opd_admin_of(user, item.opd)


def exclusions_citable_by(user: AnyUser, queryset: QuerySet) -> QuerySet:
    """The DIK entries of ``queryset`` that ``user`` may cite in a refusal
    (``can_cite_exclusion`` for a list)."""
    if can_route_requests(user):
        return queryset
    return queryset.filter(opd_id=getattr(user, "opd_id", None))


def can_record_objection(user: AnyUser, info_request: Any) -> bool:
    """A paper objection is recorded by whoever received it."""
    return can_process_request(user, info_request) or can_decide_objections(user)


def can_answer_objection(user: AnyUser, objection: Any) -> bool:
    """Objections go to the Atasan PPID, not to the PPID who answered."""
    return can_decide_objections(user)


def can_record_dispute_result(user: AnyUser, dispute: Any) -> bool:
    """What the Komisi Informasi and the court decided on a dispute (UU
    Pasal 38-50) is recorded by whoever may record the request's objections:
    its handlers and the Atasan PPID; for an objection with no request
    (ground b), whoever may record one against its agency."""
    objection = dispute.objection
    if objection.request_id is None:
        return can_record_opd_objection(user, objection.opd)
    return can_record_objection(user, objection.request)


# --- The yearly service report ------------------------------------------------------


def can_edit_yearly_report(user: AnyUser) -> bool:
    """The Laporan Layanan Informasi Publik is the kabupaten's (Perki 1/2021
    Pasal 56): PPID Utama writes its manual parts and publishes it; an OPD's
    PPID Pelaksana only supplies the requests it handled."""
    return _superuser(user) or _role(user) == Role.PPID_UTAMA


def can_edit_ppid_profile(user: AnyUser) -> bool:
    """The Profil PPID (decree, structure, maklumat, SOPs, contacts) is the
    kabupaten PPID's own, like its yearly report: PPID Utama keeps it."""
    return can_edit_yearly_report(user)


def can_view_requester_contact(user: AnyUser, info_request: Any) -> bool:
    """The requester's address, phone and e-mail follow the NIK: whoever
    handles the request, for the register and the delivery (UU 27/2022)."""
    return can_view_full_nik(user, info_request)


def can_set_tariff(user: AnyUser, opd: Opd) -> bool:
    """An OPD's fees for copies and delivery (UU 14/2008 Pasal 22(7)g): its
    own PPID Pelaksana, and PPID Utama, who coordinates every OPD's
    service standard; a merged OPD takes no new tariff."""
    return can_manage_opd_data(user, opd) or (
        _role(user) == Role.PPID_UTAMA and opd.is_active
    )


def can_record_paper_objections(user: AnyUser) -> bool:
    """Who may open the form for a ground-b objection received on paper:
    whoever records requests, and the Atasan PPID; the OPD it names is
    checked by ``can_record_opd_objection``."""
    return can_record_requests(user) or can_decide_objections(user)


def can_record_opd_objection(user: AnyUser, opd: Any) -> bool:
    """A paper objection on ground b (no request, UU Pasal 35(1)b) is
    recorded by PPID Utama, the Atasan PPID, or the OPD's own admin."""
    return (
        can_route_requests(user)
        or can_decide_objections(user)
        or (opd is not None and is_opd_admin_of(user, opd))
    )


def objections_visible_to(user: AnyUser, queryset: QuerySet | None = None) -> QuerySet:
    """Objections ``user`` may see: kabupaten roles all, an OPD admin those
    about its OPD (its requests', or filed against it on ground b)."""
    from ppid.requests.models import Objection

    queryset = Objection.objects.all() if queryset is None else queryset
    if _superuser(user) or _role(user) in KABUPATEN_ROLES:
        return queryset
    if _role(user) == Role.OPD_ADMIN:
        return queryset.filter(
            Q(request__opd_id=user.opd_id) | Q(request__isnull=True, opd_id=user.opd_id)
        )
    return queryset.none()


def can_view_objection(user: AnyUser, objection: Any) -> bool:
    """The per-object form of ``objections_visible_to``."""
    if objection.request_id is not None:
        return can_view_request(user, objection.request)
    if _superuser(user) or _role(user) in KABUPATEN_ROLES:
        return True
    return objection.opd_id is not None and is_opd_admin_of(user, objection.opd)


def can_comply_with_order(user: AnyUser, objection: Any) -> bool:
    """After the Atasan PPID grants an objection, the PPID acts on it: whoever
    may process the request, or for ground b PPID Utama and the OPD's admin."""
    if objection.request_id is not None:
        return can_process_request(user, objection.request)
    return can_route_requests(user) or (
        objection.opd_id is not None and is_opd_admin_of(user, objection.opd)
    )


# --- Social media ----------------------------------------------------------------


def social_accounts_visible_to(
    user: AnyUser, queryset: QuerySet | None = None
) -> QuerySet:
    """Accounts whose figures ``user`` may read: kabupaten roles (Dinkominfo
    evaluates them all) every OPD's, an OPD admin its own OPD's."""
    from socialposts.accounts.models import SocialAccount

    queryset = SocialAccount.objects.all() if queryset is None else queryset
    return _opd_scope(user, queryset, "opd_id")


def social_posts_visible_to(
    user: AnyUser, queryset: QuerySet | None = None
) -> QuerySet:
    """Posts follow their account (``social_accounts_visible_to``)."""
    from socialposts.accounts.models import Post

    queryset = Post.objects.all() if queryset is None else queryset
    return _opd_scope(user, queryset, "account__opd_id")


def can_edit_social_posts(user: AnyUser, account: Any) -> bool:
    """Classifying an account's posts (content type, topics, PPID item):
    the OPD's admin, and Dinkominfo, which evaluates every OPD's posts;
    a merged OPD's posts are history."""
    return can_manage_opd_data(user, account.opd) or (
        _role(user) == Role.DINKOMINFO and account.opd.is_active
    )


def can_add_social_post(user: AnyUser, account: Any) -> bool:
    """Entering posts and their figures by hand: the OPD's own admin, and
    only where no platform API supplies them. Dinkominfo evaluates these
    figures, so it does not write them."""
    from socialposts.accounts.models import SocialAccount

    return account.connection == SocialAccount.Connection.MANUAL and (
        can_manage_opd_data(user, account.opd)
    )


def can_connect_social_account(user: AnyUser, account: Any) -> bool:
    """Connecting an account to its platform (or connecting it again): the
    OPD's own admin, and Dinkominfo, which runs the pulls for every OPD;
    a merged OPD's accounts are history."""
    return can_manage_opd_data(user, account.opd) or (
        _role(user) == Role.DINKOMINFO and account.opd.is_active
    )


def can_view_social_overview(user: AnyUser) -> bool:
    """The kabupaten-wide social-media overview (every OPD's totals, the
    comparison, the top posts): Dinkominfo, which evaluates the OPDs' social
    media, and PPID Utama, which coordinates the OPDs' PPIDs."""
    return _superuser(user) or _role(user) in (Role.DINKOMINFO, Role.PPID_UTAMA)


def import_jobs_visible_to(user: AnyUser, queryset: QuerySet | None = None) -> QuerySet:
    """CSV import jobs follow their account: whoever may read the account's
    figures may follow its imports and read their reports."""
    from socialposts.imports.models import ImportJob

    queryset = ImportJob.objects.all() if queryset is None else queryset
    return _opd_scope(user, queryset, "account__opd_id")


def staff_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A function view for the staff side: visitors are sent to log in, a
    logged-in account without a portal role gets 403."""

    @wraps(view)
    @login_required
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_staff_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class StaffRequiredMixin(AccessMixin):
    """Class-based views for any portal role; others go to the login page."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_staff_user(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class OpdProfileEditorRequiredMixin(AccessMixin):
    """Views that change an OPD's profile; the view provides ``get_opd()``.

    Visitors are sent to log in; a logged-in account without the right gets
    403, since the OPD itself is public.
    """

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not can_manage_opd_data(request.user, self.get_opd()):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_opd(self) -> Opd:  # pragma: no cover - views override it
        raise NotImplementedError


class IsPortalStaff(permissions.BasePermission):
    """API: any portal role; anonymous callers are refused before any lookup."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_staff_user(request.user)


class IsOpdAdminOrReadOnly(permissions.BasePermission):
    """API: anyone may read; only the OPD's admin (or a superuser) may write."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Any, view: Any, obj: Opd) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_manage_opd_data(request.user, obj)


# --- Monthly KIP-readiness evaluations -------------------------------------------


def can_review_evaluations(user: AnyUser) -> bool:
    """Computing, scoring, opening for reply, deciding contests and
    finalising: the Dinkominfo evaluation team."""
    return _superuser(user) or _role(user) == Role.DINKOMINFO


def can_reply_to_evaluation(user: AnyUser, opd: Opd) -> bool:
    """Agreeing with or contesting a month's score: the OPD's own admin."""
    return is_opd_admin_of(user, opd) and opd.is_active


def evaluation_scores_visible_to(
    user: AnyUser, queryset: QuerySet | None = None
) -> QuerySet:
    """OPD scores: the reviewers see drafts; everyone else in scope sees a
    month once it is open for reply or final, an OPD admin its own OPD's."""
    from evaluations.models import MonthlyReport, OpdScore

    queryset = OpdScore.objects.all() if queryset is None else queryset
    scoped = _opd_scope(user, queryset, "opd_id")
    if can_review_evaluations(user):
        return scoped
    return scoped.exclude(report__status=MonthlyReport.Status.DRAFT)


def evaluation_reports_visible_to(
    user: AnyUser, queryset: QuerySet | None = None
) -> QuerySet:
    """Monthly reports: drafts only to the reviewers; others need a role."""
    from evaluations.models import MonthlyReport

    queryset = MonthlyReport.objects.all() if queryset is None else queryset
    if can_review_evaluations(user):
        return queryset
    if not is_staff_user(user):
        return queryset.none()
    return queryset.exclude(status=MonthlyReport.Status.DRAFT)


def _acts_on_items(user: AnyUser, opd: Opd) -> bool:
    return can_create_item(user, opd)


def _files_new_item(user: AnyUser, opd: Opd) -> bool:
    # The new-item page files for the account's own OPD only.
    return can_create_item(user, opd) and getattr(user, "opd_id", None) == opd.pk


def _acts_on_social(user: AnyUser, opd: Opd) -> bool:
    return can_manage_opd_data(user, opd) or (
        _role(user) == Role.DINKOMINFO and opd.is_active
    )


def _acts_on_requests(user: AnyUser, opd: Opd) -> bool:
    return can_route_requests(user) or is_opd_admin_of(user, opd)


def _acts_on_cases(user: AnyUser, opd: Opd) -> bool:
    # The inbox's queue: the OPD's own admin, or the coordinator for any OPD.
    return can_coordinate_aspirations(user) or is_opd_admin_of(user, opd)


# Where an evaluation item's "Do it here" link may lead (its URL name) and
# who may do that item's work there for the evaluated OPD. A page missing
# here gets no link: better none than one that answers 403.
EVALUATION_ACTIONS: dict[str, Callable[[Any, Opd], bool]] = {
    "ppid:staff-items": _acts_on_items,
    "ppid:item-create": _files_new_item,
    "socialposts:accounts": _acts_on_social,
    "ppid:request-register": _acts_on_requests,
    "opds:opd-list": can_manage_opd_data,
    "aspirations:queue": _acts_on_cases,
}


def can_do_evaluation_action(user: AnyUser, opd: Opd, path: str) -> bool:
    """Whether ``user`` may do, at ``path``, the work an evaluation item of
    ``opd`` asks for (the "Do it here" link of the evaluation)."""
    if not path or not is_staff_user(user):
        return False
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    rule = EVALUATION_ACTIONS.get(match.view_name)
    return rule is not None and rule(user, opd)


def can_view_kabupaten_evaluation(user: AnyUser) -> bool:
    """The kabupaten's ranking, heatmap and report files show every OPD's
    score: the roles whose scope is every OPD."""
    return _superuser(user) or _role(user) in KABUPATEN_ROLES


def public_evaluation_reports(queryset: QuerySet | None = None) -> QuerySet:
    """What citizens see of the monthly evaluation: final reports only, and
    never a preview (a month computed before it ended). Drafts, the reply
    state, evidence and comments stay on the staff side, so the public
    pages read the scores of these reports and nothing else."""
    from evaluations.models import MonthlyReport

    queryset = MonthlyReport.objects.all() if queryset is None else queryset
    return queryset.filter(status=MonthlyReport.Status.FINAL, as_of__isnull=True)


# --- Infographics ------------------------------------------------------------------
# Images the portal draws for the OPDs' social media. An OPD admin makes
# them for its own OPD; Dinkominfo (which trains the OPDs and runs the
# kabupaten's channels) and PPID Utama (which answers for the whole
# catalogue) make them for any active OPD. The Atasan PPID reads them only.

INFOGRAPHIC_MAKER_ROLES = frozenset({Role.DINKOMINFO, Role.PPID_UTAMA})


def can_make_any_infographics(user: AnyUser) -> bool:
    """Whether ``user`` may make infographics at all (checked before any
    input is read, so that nobody else learns what the input lacks)."""
    if _superuser(user) or _role(user) in INFOGRAPHIC_MAKER_ROLES:
        return True
    return _role(user) == Role.OPD_ADMIN and user.opd is not None and user.opd.is_active


def can_make_infographics(user: AnyUser, opd: Opd) -> bool:
    """Making an infographic for ``opd``'s social media."""
    return can_manage_opd_data(user, opd) or (
        _role(user) in INFOGRAPHIC_MAKER_ROLES and opd.is_active
    )


def infographic_opds_for(user: AnyUser) -> QuerySet[Opd]:
    """The OPDs ``user`` may make infographics for."""
    if _superuser(user) or _role(user) in INFOGRAPHIC_MAKER_ROLES:
        return Opd.objects.active()
    if _role(user) == Role.OPD_ADMIN:
        return Opd.objects.active().filter(pk=user.opd_id)
    return Opd.objects.none()


def can_make_infographic_from_item(user: AnyUser, item: Any) -> bool:
    """An item card shows the item's summary to the public: any published
    item, or an OPD's own item on its way to publication (a draft or a
    submitted item, for its admin and the kabupaten makers). Never an
    excluded item, whose summary is not public, nor a withdrawn one.

    Whether ``user`` may know the item exists is ``items_visible_to``'s
    question (404 before this one)."""
    if not can_make_any_infographics(user) or item.is_excluded:
        return False
    if item.is_public:
        return True
    Status = item.Status
    return item.status in (Status.DRAFT, Status.SUBMITTED) and (
        can_manage_opd_data(user, item.opd)
        or _superuser(user)
        or _role(user) in INFOGRAPHIC_MAKER_ROLES
    )


def infographics_visible_to(
    user: AnyUser, queryset: QuerySet | None = None
) -> QuerySet:
    """Infographics follow their OPD: kabupaten roles see every OPD's, an
    OPD admin its own OPD's."""
    from socialposts.infographics.models import Infographic

    queryset = Infographic.objects.all() if queryset is None else queryset
    return _opd_scope(user, queryset, "opd_id")


def can_link_infographic(user: AnyUser, infographic: Any) -> bool:
    """Recording the post that published an infographic classifies that
    post (and may set the PPID item it announces): whoever classifies the
    OPD's posts, its admin and Dinkominfo (``can_edit_social_posts``)."""
    opd = infographic.opd
    return can_manage_opd_data(user, opd) or (
        _role(user) == Role.DINKOMINFO and opd.is_active
    )


# --- Aspiration inbox ----------------------------------------------------------
# The coordinator (admin koordinator SP4N-LAPOR!, at Dinkominfo) verifies
# and routes; the OPD's admin (admin penghubung) handles what is routed to
# its OPD. A confidential case (whistle-blowing) is seen only by them.


def can_coordinate_aspirations(user: AnyUser) -> bool:
    """Verify, postpone, route, archive and merge cases: Dinkominfo."""
    return _superuser(user) or _role(user) == Role.DINKOMINFO


def cases_visible_to(user: AnyUser, queryset: QuerySet | None = None) -> QuerySet:
    """Cases ``user`` may see: the coordinator all; other kabupaten roles all
    but the confidential; an OPD admin those routed to its OPD."""
    from aspirations.inbox.models import Case

    queryset = Case.objects.all() if queryset is None else queryset
    if can_coordinate_aspirations(user):
        return queryset
    if _role(user) in KABUPATEN_ROLES:
        return queryset.filter(confidential=False)
    if _role(user) == Role.OPD_ADMIN:
        return queryset.filter(opd_id=user.opd_id)
    return queryset.none()


def can_view_case(user: AnyUser, case: Any) -> bool:
    """The per-object form of ``cases_visible_to``."""
    if can_coordinate_aspirations(user):
        return True
    if _role(user) in KABUPATEN_ROLES:
        return not case.confidential
    return case.opd_id is not None and is_opd_admin_of(user, case.opd)


def can_handle_case(user: AnyUser, case: Any) -> bool:
    """Reply, follow up, send back, close, correct the triage: the admin of
    the OPD it is routed to; the coordinator on any case (a first answer
    before routing, "laporan Anda kami teruskan")."""
    if can_coordinate_aspirations(user):
        return True
    return (
        case.opd_id is not None
        and is_opd_admin_of(user, case.opd)
        and case.opd.is_active
    )


def can_see_case_personal_data(user: AnyUser, case: Any) -> bool:
    """Phone numbers and NIKs in a case's messages, and the citizen's number,
    shown unmasked: only to whoever handles it (UU 27/2022, need to know).
    An anonymous citizen's name stays hidden from the OPD as well."""
    return can_handle_case(user, case)


def can_see_case_contact(user: AnyUser, case: Any) -> bool:
    """The citizen's name, phone and e-mail on a case: whoever handles it;
    an anonymous citizen's only the coordinator (LAPOR!'s "anonim": the
    identity is hidden from the agency)."""
    if can_coordinate_aspirations(user):
        return True
    return not case.anonymous and can_handle_case(user, case)


def can_convert_case(user: AnyUser, case: Any) -> bool:
    """Turn a case into an information request or refer it to SP4N-LAPOR!:
    the coordinator, or the admin of the OPD handling it."""
    return can_handle_case(user, case)


def can_record_manual_case(user: AnyUser, account: Any) -> bool:
    """Copy a comment from a platform's app into the inbox: the coordinator
    for any account, an OPD admin for its own OPD's."""
    if can_coordinate_aspirations(user):
        return True
    return account.opd_id is not None and is_opd_admin_of(user, account.opd)
def can_manage_canned_responses(user: AnyUser, opd: Opd | None) -> bool:
    """Ready answers: the coordinator keeps the regency-wide ones (no OPD),
    an OPD's admin its own OPD's."""
    if opd is None:
        return can_coordinate_aspirations(user)
    return _superuser(user) or (is_opd_admin_of(user, opd) and opd.is_active)


def canned_responses_visible_to(
    user: AnyUser, queryset: QuerySet | None = None
) -> QuerySet:
    """Ready answers ``user`` may read: the regency-wide ones, and those of
    its OPD (the coordinator's: all)."""
    from aspirations.inbox.models import CannedResponse

    queryset = CannedResponse.objects.all() if queryset is None else queryset
    if can_coordinate_aspirations(user):
        return queryset
    if _role(user) == Role.OPD_ADMIN:
        return queryset.filter(Q(opd__isnull=True) | Q(opd_id=user.opd_id))
    if is_staff_user(user):
        return queryset.filter(opd__isnull=True)
    return queryset.none()


def can_see_citizen_name(user: AnyUser, case: Any) -> bool:
    """The citizen's name on a case: whoever may see the case, unless the
    citizen asked to stay anonymous; then only the coordinator."""
    if case.anonymous:
        return can_coordinate_aspirations(user)
    return can_view_case(user, case)
