"""`manage.py seed_demo`: fill the database with the demo territory, unit and coverage, and demo accounts."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from calls.models import ImportBatch
from demo.calls import DEMO_CALL_ROWS
from demo.services import demo_seed, demo_staff_logins

DEFAULT_ADMIN_PASSWORD = "proximite-demo-2026"  # noqa: S105 - a published demo password, not a secret


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # Read when the parser is built, with the command's language active (argparse wants a real str).
        return _(
            "Create or update the demo data: the 17 sectors of the Longueuil agglomeration, the officers "
            "who cover them with their assignments and absences, a demo administrator and demo staff "
            "accounts, and two years of synthetic 911 calls. Running it again changes nothing (absences "
            "move along with today's date)."
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
                "Password of the demo administrator and of the demo staff accounts, used only when an "
                "account is created (default: the DEMO_ADMIN_PASSWORD environment variable, else a fixed "
                "demo password)."
            ),
        )

        parser.add_argument(
            "--calls",
            type=int,
            help=_(
                "Number of synthetic 911 calls over the last 24 full months (default: %(rows)s; 0 for none)."
            )
            % {"rows": DEMO_CALL_ROWS},
        )

    def handle(self, *args, **options):
        username = options["admin_username"]
        password = options["admin_password"]
        try:
            counts = demo_seed(admin_username=username, admin_password=password, call_rows=options["calls"])
        except ValidationError as error:
            if _is_about_the_password(error):
                raise CommandError(
                    _("The demo administrator's password was refused: %(reasons)s")
                    % {"reasons": " ".join(error.messages)}
                ) from error
            raise CommandError(
                _(
                    "The demo data contradicts changes made since it was seeded; nothing was written: %(reasons)s"
                )
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
        self.stdout.write(
            _("Addresses: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": counts["addresses_created"],
                "updated": counts["addresses_updated"],
                "unchanged": counts["addresses_unchanged"],
            }
        )
        self.stdout.write(
            _("Officers: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": counts["officers_created"],
                "updated": counts["officers_updated"],
                "unchanged": counts["officers_unchanged"],
            }
        )
        self.stdout.write(_("Portraits generated: %(count)s.") % {"count": counts["portraits_created"]})
        self.stdout.write(
            _("Assignments: %(created)s created, %(ended)s ended.")
            % {"created": counts["assignments_created"], "ended": counts["assignments_ended"]}
        )
        self.stdout.write(
            _("Absences: %(created)s planned, %(updated)s moved to around today.")
            % {"created": counts["absences_created"], "updated": counts["absences_updated"]}
        )
        self.stdout.write(
            _("Demo staff accounts: %(created)s created.") % {"created": counts["staff_users_created"]}
        )
        self.stdout.write(
            _("Call types: %(created)s created, %(mapped)s mapped; categories: %(categories)s created.")
            % {
                "created": counts["call_types_created"],
                "mapped": counts["call_types_mapped"],
                "categories": counts["call_categories_created"],
            }
        )
        self.stdout.write(
            _("Partners: %(created)s created, %(unchanged)s unchanged.")
            % {"created": counts["partners_created"], "unchanged": counts["partners_unchanged"]}
        )
        self.stdout.write(
            _("Contacts: %(created)s created (%(referrals)s referrals, %(identities)s consented identities).")
            % {
                "created": counts["contacts_created"],
                "referrals": counts.get("referrals_created", 0),
                "identities": counts.get("identities_created", 0),
            }
        )
        self.stdout.write(
            _(
                "Outreach: %(campaigns)s campaigns, %(activities)s activities, %(priorities)s priorities created."
            )
            % {
                "campaigns": counts["outreach_campaigns_created"],
                "activities": counts["outreach_activities_created"],
                "priorities": counts["outreach_priorities_created"],
            }
        )
        self._write_calls(counts)
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
        roles = {
            "Supervisor": _("supervisor"),
            "Analyst": _("analyst"),
            "Officer": _("officer"),
            "Privacy officer": _("privacy officer"),
        }
        staff_logins = demo_staff_logins()
        self.stdout.write(
            self.style.WARNING(
                _("Demo staff logins, same password: %(logins)s.")
                % {
                    "logins": ", ".join(
                        _("“%(username)s” (%(role)s)") % {"username": login, "role": roles.get(group, group)}
                        for login, group in staff_logins
                    )
                }
            )
        )
        if not counts["admin_users_created"] or counts["staff_users_created"] < len(staff_logins):
            self.stdout.write(
                _("(If that password was changed since the account was created, use the new one.)")
            )

    def _write_calls(self, counts: dict) -> None:
        if not counts["calls_rows"]:
            self.stdout.write(_("911 calls: none asked for."))
            return
        if counts["calls_already_imported"]:
            self.stdout.write(
                _("911 calls: the demo file (%(rows)s rows) was already imported; nothing to do.")
                % {"rows": counts["calls_rows"]}
            )
            return
        self.stdout.write(
            _(
                "911 calls: %(created)s created, %(updated)s updated, %(unchanged)s unchanged; %(rejected)s "
                "bad rows left out on purpose (see the batch's error report); %(unplaced)s unplaced."
            )
            % {
                "created": counts["calls_created"],
                "updated": counts["calls_updated"],
                "unchanged": counts["calls_unchanged"],
                "rejected": counts["calls_rejected"],
                "unplaced": counts["calls_unplaced"],
            }
        )
        if counts["calls_batch_status"] != ImportBatch.Status.SUCCEEDED:
            self.stdout.write(
                self.style.WARNING(
                    _("The import of the demo calls was %(status)s: see its batch in the admin.")
                    % {"status": ImportBatch.Status(counts["calls_batch_status"]).label}
                )
            )


def _is_about_the_password(error: ValidationError) -> bool:
    """Whether a validation error comes from the password validators (whose codes all start "password")."""
    if hasattr(error, "error_dict"):
        return False
    return all((item.code or "").startswith("password") for item in error.error_list)
