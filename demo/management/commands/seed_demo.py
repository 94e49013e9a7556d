"""`manage.py seed_demo`: fill the database with the demo territory and a demo admin account."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.services import demo_seed

DEFAULT_ADMIN_PASSWORD = "proximite-demo-2026"  # noqa: S105 - a published demo password, not a secret


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # Read when the parser is built, with the command's language active (argparse wants a real str).
        return _(
            "Create or update the demo data: the 17 sectors of the Longueuil agglomeration and a demo "
            "administrator. Running it again changes nothing."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-username",
            default="admin",
            help=_("Login of the demo administrator (default: %(default)s)."),
        )
        parser.add_argument(
            "--admin-password",
            default=os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD,
            help=_(
                "Password of the demo administrator, used only when the account is created "
                "(default: the DEMO_ADMIN_PASSWORD environment variable, else a fixed demo password)."
            ),
        )

    def handle(self, *args, **options):
        username = options["admin_username"]
        password = options["admin_password"]
        try:
            counts = demo_seed(admin_username=username, admin_password=password)
        except ValidationError as error:
            raise CommandError(
                _("The demo administrator's password was refused: %(reasons)s")
                % {"reasons": " ".join(error.messages)}
            ) from error

        self.stdout.write(
            _("Sectors: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": counts["sectors_created"],
                "updated": counts["sectors_updated"],
                "unchanged": counts["sectors_unchanged"],
            }
        )
        if counts["admin_users_created"]:
            self.stdout.write(_("Demo administrator “%(username)s” created.") % {"username": username})
        else:
            self.stdout.write(
                _("Demo administrator “%(username)s” already exists: left unchanged, password included.")
                % {"username": username}
            )
        self.stdout.write(self.style.SUCCESS(_("Demo data ready.")))
        self.stdout.write(
            self.style.WARNING(
                _(
                    "DEMO CREDENTIALS, for demonstrations only (never on a real installation): "
                    "login “%(username)s”, password “%(password)s”."
                )
                % {"username": username, "password": password}
            )
        )
        if not counts["admin_users_created"]:
            self.stdout.write(
                _("(If that password was changed since the account was created, use the new one.)")
            )
