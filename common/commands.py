"""The base of the project's management commands, and the arguments several of them read."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    """A command whose `help` may be a lazy translation (translated when shown, in the active language).

    argparse wraps the description with a regular expression, which needs a real string: a lazy one makes
    `--help` crash.
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        if self.help:
            self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)


def parse_month(value: str) -> date:
    """A month argument written YYYY-MM, as its first day; a CommandError naming the value otherwise."""
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a month written YYYY-MM.") % {"value": value}) from None
