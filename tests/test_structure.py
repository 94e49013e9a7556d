"""scripts/check_structure.py on small trees written for each test (make lint checks the real one)."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_structure.py"


@pytest.fixture(scope="module")
def structure():
    spec = importlib.util.spec_from_file_location("check_structure", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


CLEAN = {
    "manage.py": "import os\n",
    "common/__init__.py": '"""The bottom."""\n',
    "common/months.py": "import calendar\n\nfrom django.conf import settings\n",
    "beats/__init__.py": "",
    "beats/models.py": "from common.months import calendar\n",
    "beats/services.py": "from . import models\nfrom .models import calendar\n",
    "officers/__init__.py": "",
    "officers/services/__init__.py": "",
    "officers/services/assignments.py": "from beats.models import calendar\nfrom ..models import X\n",
    "officers/models.py": "import beats.models\n\n\ndef later():\n    from beats import services\n",
    "config/__init__.py": "",
    "config/celery.py": "import os\n",
    "config/urls.py": "from beats import services\nfrom . import celery\n",
    "tests/__init__.py": "",
    "tests/test_beats.py": "from config.urls import x\nfrom beats.services import y\n" + "x = 1\n" * 500,
    "bench/run.py": "from config.settings import *\n" + "y = 2\n" * 500,
    "beats/migrations/0001_initial.py": "from officers.models import X\n" + "z = 3\n" * 500,
    "scripts/tool.py": "import sys\n",
}


def test_a_clean_tree_passes(structure, tmp_path, capsys):
    root = write(tmp_path, CLEAN)

    assert structure.check(root) == ([], 14)
    assert structure.main(["check_structure.py", str(root)]) == 0
    assert capsys.readouterr().out == "structure: 14 modules, no module over 400 lines, no import cycle\n"


def test_the_graph_resolves_submodules_relative_and_function_level_imports(structure, tmp_path):
    graph = structure.import_graph(write(tmp_path, CLEAN))

    assert graph["beats.services"] == {"beats.models"}  # `from . import models` is the submodule
    assert graph["officers.services.assignments"] == {"beats.models", "officers.models"}
    assert graph["officers.models"] == {"beats.models", "beats.services"}  # the function's import counts
    assert graph["config.urls"] == {"beats.services", "config.celery"}
    assert graph["common.months"] == set()  # Django is not ours
    assert not any(name.startswith(("tests", "bench", "scripts")) or "migrations" in name for name in graph)


def test_a_401_line_module_is_found_and_400_lines_are_allowed(structure, tmp_path, capsys):
    root = write(
        tmp_path,
        {**CLEAN, "beats/services.py": "x = 1\n" * 401, "beats/selectors.py": "x = 1\n" * 400},
    )

    assert structure.long_modules(root) == [(Path("beats/services.py"), 401)]
    assert structure.main(["check_structure.py", str(root)]) == 1
    assert "structure: beats/services.py: 401 lines" in capsys.readouterr().err


def test_a_cycle_is_found_even_through_a_function_level_import(structure, tmp_path, capsys):
    root = write(
        tmp_path,
        {
            **CLEAN,
            "beats/models.py": "from .services import thing\n",
            "beats/services.py": "def f():\n    from beats import models\n",
        },
    )

    assert structure.import_cycles(structure.import_graph(root)) == [
        ["beats.models", "beats.services", "beats.models"]
    ]
    assert structure.main(["check_structure.py", str(root)]) == 1
    assert "structure: import cycle: beats.models → beats.services → beats.models" in capsys.readouterr().err


def test_a_longer_loop_is_reported_once_from_its_first_module(structure, tmp_path):
    root = write(
        tmp_path,
        {
            **CLEAN,
            "officers/models.py": "from contacts import selectors\n",
            "contacts/__init__.py": "",
            "contacts/selectors.py": "import reports.services\n",
            "reports/__init__.py": "",
            "reports/services.py": "from officers.models import Officer\n",
        },
    )

    assert structure.import_cycles(structure.import_graph(root)) == [
        ["contacts.selectors", "reports.services", "officers.models", "contacts.selectors"]
    ]


def test_imports_under_type_checking_are_no_cycle(structure, tmp_path):
    root = write(
        tmp_path,
        {
            **CLEAN,
            "beats/models.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .services import x\n",
            "beats/services.py": "from .models import y\n",
        },
    )

    assert structure.import_cycles(structure.import_graph(root)) == []


def test_common_importing_an_app_and_an_app_importing_config_break_the_layering(structure, tmp_path, capsys):
    root = write(
        tmp_path,
        {
            **CLEAN,
            "common/months.py": "from beats.models import Sector\n",
            "beats/services.py": "from config.settings import TIME_ZONE\nfrom config.celery import app\n",
            "config/settings.py": "",
        },
    )

    assert structure.layering_violations(structure.import_graph(root)) == [
        "beats.services imports config.settings: no module outside config/ imports it (config.celery aside)",
        "common.months imports beats.models: common imports no package of ours",
    ]
    assert structure.main(["check_structure.py", str(root)]) == 1
    assert "common.months imports beats.models" in capsys.readouterr().err


def test_two_apps_importing_each_other_are_found_where_their_modules_make_no_loop(
    structure, tmp_path, capsys
):
    root = write(
        tmp_path,
        {**CLEAN, "beats/services.py": "from officers import selectors\n", "officers/selectors.py": ""},
    )
    graph = structure.import_graph(root)

    assert structure.import_cycles(graph) == []
    assert structure.app_graph(graph) == {
        "beats": {"common", "officers"},
        "common": set(),
        "officers": {"beats"},
    }
    assert structure.main(["check_structure.py", str(root)]) == 1
    assert "structure: apps import each other: beats → officers → beats" in capsys.readouterr().err


def test_a_service_or_selector_without_types_is_named_and_a_model_method_is_not(structure, tmp_path, capsys):
    root = write(
        tmp_path,
        {
            **CLEAN,
            "beats/services.py": "def sector_save(*, sector, name: str):\n    return sector\n",
            "beats/selectors.py": "def sectors(*args: int, **kwargs) -> list:\n    return []\n",
            "officers/services/assignments.py": "def assignment_end(*, on: int) -> None:\n    pass\n",
            "beats/models.py": "class Sector:\n    def area(self):\n        return 0\n",
        },
    )

    assert structure.untyped_functions(root) == [
        "beats/selectors.py:1 sectors has no type for **kwargs",
        "beats/services.py:1 sector_save has no type for sector, the return",
    ]
    assert structure.main(["check_structure.py", str(root)]) == 1
    assert "beats/services.py:1 sector_save has no type for sector, the return" in capsys.readouterr().err
