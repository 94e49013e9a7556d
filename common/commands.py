"""The base of the project's management commands."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """A command whose `help` may be a lazy translation (translated when shown, in the active language).

    argparse wraps the description with a regular expression, which needs a real string: a lazy one makes
    `--help` crash.
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        if self.help:
            self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
