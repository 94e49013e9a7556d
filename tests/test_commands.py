"""Every management command of the project shows its help, in both languages."""

import pytest
from django.apps import apps
from django.core.management import get_commands, load_command_class
from django.utils import translation

PROJECT_APPS = {"accounts", "beats", "calls", "config", "contacts", "demo", "officers", "outreach", "public"}


def project_commands() -> list[tuple[str, str]]:
    found = []
    for name, app_name in sorted(get_commands().items()):
        if app_name.split(".")[0] in PROJECT_APPS:
            found.append((app_name, name))
    return found


def test_the_project_has_commands():
    names = {name for _, name in project_commands()}
    assert {"import_sectors", "import_calls", "recompute_call_stats", "seed_demo"} <= names


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("app_name", "name"), project_commands())
def test_help_is_shown(app_name, name, language):
    assert apps.is_installed(app_name)
    command = load_command_class(app_name, name)
    with translation.override(language):
        text = command.create_parser("manage.py", name).format_help()
    assert f"manage.py {name}" in text
    assert len(text.splitlines()) > 3
