"""Every route of the portal and who may use it, in one place.

A route is ``public`` (anyone, no login), ``requester`` (anyone holding the
request's tracking code), ``staff`` (any portal role; what each sees is
scoped in ``opds.permissions``), a named role, or ``admin`` (Django's
admin site, for superusers). API routes are classified like pages; DRF's
permission classes enforce them. ``tests/config/test_routes.py`` fails when
a route is added without being classified here, and checks that nothing
but public routes answers an anonymous visitor.
"""

from __future__ import annotations

PUBLIC = "public"
REQUESTER = "requester"
STAFF = "staff"
ADMIN = "admin"
OPD_ADMIN = "opd_admin"
PPID_UTAMA = "ppid_utama"
DINKOMINFO = "dinkominfo"
# Staff routes whose actions only some roles may take; the page itself is
# open to the roles that may see the object (404 to the others).
REVIEWERS = DINKOMINFO

ROUTES: dict[str, str] = {
    # The portal and its account pages.
    "home": PUBLIC,
    "health": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "sitemap": PUBLIC,
    # OPDs.
    "opds:opd-list": PUBLIC,
    "opds:opd-detail": PUBLIC,
    "opds:opd-edit": OPD_ADMIN,
    "dashboard": STAFF,
    # Public information and requests.
    "ppid:public-information": PUBLIC,
    # The Profil PPID, kept by PPID Utama in the admin.
    "ppid:profile": PUBLIC,
    "ppid:profile-structure": PUBLIC,
    "ppid:profile-notice": PUBLIC,
    "ppid:profile-procedures": PUBLIC,
    "ppid:profile-sop-file": PUBLIC,
    "ppid:profile-file": PUBLIC,
    "ppid:request-guide": PUBLIC,
    "ppid:request-form": PUBLIC,
    "ppid:request-sent": PUBLIC,
    "ppid:request-track": PUBLIC,
    "ppid:request-status": REQUESTER,
    "ppid:request-receipt": REQUESTER,
    "ppid:objection-response": REQUESTER,
    "ppid:requester-file": REQUESTER,
    # Ground b (Pasal 35(1)b) needs no request: anyone may object to an OPD.
    "ppid:objection-form": PUBLIC,
    "ppid:objection-sent": PUBLIC,
    "ppid:objection-status": REQUESTER,
    "ppid:statistics": PUBLIC,
    # The aspiration inbox's public figures (numbers only).
    "aspirations:stats": PUBLIC,
    "aspirations:stats-csv": PUBLIC,
    "ppid:yearly-report": PUBLIC,
    "ppid:catalogue": PUBLIC,
    "ppid:feed": PUBLIC,
    "ppid:exclusions": PUBLIC,
    "ppid:dip-export": PUBLIC,
    "ppid:item-detail": PUBLIC,
    "ppid:file-download": PUBLIC,
    "ppid:opd-dip": PUBLIC,
    "ppid:opd-delegation": PPID_UTAMA,
    # The request register.
    "ppid:request-register": STAFF,
    "ppid:request-register-export": STAFF,
    "ppid:request-record": STAFF,
    "ppid:request-staff-detail": STAFF,
    "ppid:request-action": STAFF,
    "ppid:request-objection": STAFF,
    "ppid:objection-answer": STAFF,
    "ppid:dispute-result": STAFF,
    "ppid:request-file": STAFF,
    # The yearly service report's written parts and publication.
    "ppid:yearly-reports": PPID_UTAMA,
    "ppid:yearly-report-edit": PPID_UTAMA,
    "ppid:yearly-report-publish": PPID_UTAMA,
    "ppid:objection-register-export": STAFF,
    "ppid:tariffs": STAFF,
    "ppid:tariff-edit": STAFF,
    # The objection register; answering is the Atasan PPID's, acting on a
    # granted objection the PPID's (opds.permissions).
    "ppid:objection-register": STAFF,
    "ppid:objection-record": STAFF,
    "ppid:objection-staff-detail": STAFF,
    "ppid:objection-staff-answer": STAFF,
    "ppid:objection-comply": STAFF,
    "ppid:objection-dispute-result": STAFF,
    # The catalogue's workflow.
    "ppid:staff-items": STAFF,
    "ppid:item-create": OPD_ADMIN,
    "ppid:item-edit": OPD_ADMIN,
    "ppid:signed-sheet": STAFF,
    "ppid:item-submit": OPD_ADMIN,
    "ppid:item-publish": PPID_UTAMA,
    "ppid:item-return": PPID_UTAMA,
    "ppid:item-withdraw": STAFF,
    "ppid:item-open": STAFF,
    "ppid:item-delete": OPD_ADMIN,
    # Social media.
    "socialposts:accounts": STAFF,
    "socialposts:account-detail": STAFF,
    # Dinkominfo and PPID Utama (opds.permissions.can_view_social_overview).
    "socialposts:overview": STAFF,
    "socialposts:account-export": STAFF,
    "socialposts:opd-export": STAFF,
    "socialposts:opd-monthly": STAFF,
    "socialposts:account-import": OPD_ADMIN,
    # The OPD's admin for its own accounts, Dinkominfo for any.
    "socialposts:account-connect": STAFF,
    "socialposts:oauth-callback": STAFF,
    "socialposts:post-create": OPD_ADMIN,
    "socialposts:post-edit": STAFF,
    "socialposts:import-job": STAFF,
    "socialposts:import-job-status": STAFF,
    # Infographics: each OPD's images; who may make and link them is
    # decided in opds.permissions (the Atasan PPID reads only).
    "socialposts:infographics": STAFF,
    "socialposts:infographic-create": STAFF,
    "socialposts:infographic-detail": STAFF,
    "socialposts:infographic-image": STAFF,
    "socialposts:infographic-download": STAFF,
    "socialposts:infographic-link": STAFF,
    # The monthly evaluation.
    "evaluations:public": PUBLIC,
    "evaluations:public-month": PUBLIC,
    "evaluations:index": STAFF,
    "evaluations:build": REVIEWERS,
    "evaluations:run": REVIEWERS,
    "evaluations:run-status": REVIEWERS,
    "evaluations:report": STAFF,
    "evaluations:report-file": STAFF,
    "evaluations:whatsapp": STAFF,
    "evaluations:open-reply": REVIEWERS,
    "evaluations:finalise": REVIEWERS,
    "evaluations:decide": REVIEWERS,
    "evaluations:opd": STAFF,
    "evaluations:opd-file": STAFF,
    "evaluations:opd-evidence": STAFF,
    "evaluations:opd-whatsapp": STAFF,
    "evaluations:agree": OPD_ADMIN,
    "evaluations:score-opd": REVIEWERS,
    "evaluations:contest-item": OPD_ADMIN,
    # The aspiration inbox: the citizen's form and tracking (the portal
    # helper), the conversions of a case (staff who may handle it).
    "aspirations:submit": PUBLIC,
    "aspirations:submitted": PUBLIC,
    "aspirations:villages": PUBLIC,
    "aspirations:track": PUBLIC,
    "aspirations:track-case": REQUESTER,
    "aspirations:convert-ppid": STAFF,
    "aspirations:refer-lapor": STAFF,
    # The aspiration inbox: the coordinator's steps and the OPD's are told
    # apart in opds.permissions (the page is open to whoever sees the case).
    "aspirations:queue": STAFF,
    "aspirations:hide-comment": STAFF,
    "aspirations:record": STAFF,
    "aspirations:case": STAFF,
    "aspirations:case-action": STAFF,
    "aspirations:canned": STAFF,
    "aspirations:canned-edit": STAFF,
    "aspirations:canned-delete": STAFF,
    # The platforms' webhooks: open to anyone, each POST authenticated by
    # Meta's signature (aspirations.channels.views).
    "aspirations:webhook-meta": PUBLIC,
    "aspirations:webhook-whatsapp": PUBLIC,
    # The API.
    "api-token": PUBLIC,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "api:api-root": PUBLIC,
    "api:opd-list": PUBLIC,
    "api:opd-detail": PUBLIC,
    "api:information-list": PUBLIC,
    "api:information-detail": PUBLIC,
    "api:information-publish": PPID_UTAMA,
    "api:information-submit": OPD_ADMIN,
    "api:exclusion-list": PUBLIC,
    "api:exclusion-detail": PUBLIC,
    "api:request-statistics": PUBLIC,
    "api:request-yearly-report": PUBLIC,
    # Filing a request is public (POST); reading one needs its tracking code.
    "api:request-list": REQUESTER,
    "api:request-detail": REQUESTER,
    "api:request-answer": STAFF,
    "api:request-close": STAFF,
    "api:request-complete": STAFF,
    "api:request-extend": STAFF,
    "api:request-handover": STAFF,
    "api:request-incomplete": STAFF,
    "api:request-objections": REQUESTER,
    "api:request-pay": STAFF,
    "api:request-register": STAFF,
    "api:request-route": PPID_UTAMA,
    # Objecting on ground b is public (POST, no request); reading one needs
    # its tracking code; the register (GET) is staff only.
    "api:objection-list": REQUESTER,
    "api:objection-detail": REQUESTER,
    "api:objection-answer": STAFF,
    "api:objection-comply": STAFF,
    "api:social-account-list": STAFF,
    "api:social-account-detail": STAFF,
    "api:social-post-list": STAFF,
    "api:social-post-detail": STAFF,
    "api:social-metric-list": STAFF,
    "api:social-account-export": STAFF,
    "api:social-opd-export": STAFF,
    "api:social-opd-monthly": STAFF,
    "api:infographic-list": STAFF,
    "api:evaluation-list": STAFF,
    "api:monthly-report-list": STAFF,
    "api:monthly-report-file": STAFF,
    "api:monthly-report-opd-file": STAFF,
    # Cases of the aspiration inbox, scoped by opds.permissions.cases_visible_to.
    "api:aspiration-list": STAFF,
    "api:aspiration-detail": STAFF,
}

# Whole families, by name prefix.
PREFIXES: dict[str, str] = {"admin:": ADMIN}


def access(name: str) -> str | None:
    """The class of a named route, or None when it is not classified."""
    if name in ROUTES:
        return ROUTES[name]
    for prefix, kind in PREFIXES.items():
        if name.startswith(prefix):
            return kind
    return None
