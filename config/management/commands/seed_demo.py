"""``manage.py seed_demo``: idempotent demo data for a development portal."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from aspirations.demo import seed_aspirations
from aspirations.inbox.services import ensure_default_canned_responses
from evaluations.demo import seed_evaluations
from opds.demo import seed_demo
from opds.models import User
from ppid.catalogue.demo import seed_demo as seed_ppid_demo
from ppid.profile.demo import seed_profile
from ppid.requests.demo import seed_requests
from socialposts.demo import seed_infographics, seed_social


class Command(BaseCommand):
    help = "Load the Purbalingga demo data; refuses to run when DEBUG is off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set every demo account's password to DEMO_PASSWORD again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            logins = seed_demo(reset_passwords=options["reset_passwords"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        # Each app adds its own demo data on top of the registry and users.
        items = seed_ppid_demo()
        seed_profile()
        requests = seed_requests()
        accounts = seed_social()
        # The inbox's regency-wide ready answers (no data migration holds them).
        ensure_default_canned_responses()
        # Six months of what citizens wrote, before the evaluation that
        # scores how the OPDs answered.
        cases = seed_aspirations()
        reports = seed_evaluations()
        # Infographics draw on the catalogue and the final months above.
        images = seed_infographics()
        opd_admins = [login for login in logins if login.role == "opd_admin"]
        others = [login for login in logins if login.role != "opd_admin"]
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready.")))
        self.stdout.write(_("%(count)s new catalogue items.") % {"count": items})
        self.stdout.write(
            _("%(count)s new information requests.") % {"count": requests}
        )
        self.stdout.write(
            _("%(count)s new social-media accounts.") % {"count": accounts}
        )
        self.stdout.write(_("%(count)s new aspiration cases.") % {"count": cases})
        self.stdout.write(
            _("%(count)s new monthly evaluation reports.") % {"count": reports}
        )
        self.stdout.write(_("%(count)s new infographics.") % {"count": images})
        self.stdout.write(
            _("Password of every demo account: %(password)s (DEMO_PASSWORD)")
            % {"password": settings.DEMO_PASSWORD}
        )
        role_labels = dict(User.Role.choices)
        for login in others:
            label = role_labels.get(login.role, _("superuser"))
            self.stdout.write("  {:<14} {}".format(login.username, label))
        self.stdout.write(
            _("  admin-<OPD slug> for each of %(count)s OPDs, e.g. %(examples)s")
            % {
                "count": len(opd_admins),
                "examples": ", ".join(x.username for x in opd_admins[:3]),
            }
        )
