"""The floors of the code hold (docs/architecture.md): the import-linter
contracts pass, the two contract types written here catch what they are
for, and every module of tasks is one the workers load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from config.celery import TASK_PACKAGES
from tests import import_contracts

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "config", "opds", "ppid", "socialposts", "aspirations", "evaluations"]


def test_the_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A throwaway project the contracts are run on: ``low`` and ``high``."""

    def write(files: dict[str, str]) -> grimp.ImportGraph:
        for name, text in {
            **files,
            "low/__init__.py": "",
            "high/__init__.py": "",
        }.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.setattr(import_contracts, "ROOT", tmp_path)
        for module in [m for m in sys.modules if m.split(".")[0] in ("low", "high")]:
            monkeypatch.delitem(sys.modules, module)
        return grimp.build_graph("low", "high", cache_dir=None)

    return write


def _private_names(graph: grimp.ImportGraph) -> list:
    contract = import_contracts.PrivateNamesContract("private", {}, {})
    return contract.check(graph, verbose=False).metadata["violations"]


def test_a_private_name_taken_from_another_module_breaks_the_contract(tree):
    graph = tree(
        {
            "low/helpers.py": "def _page(): pass\ndef page(): pass\n",
            "high/views.py": "from low.helpers import _page, page\n",
            "high/other.py": "from low import helpers\nhelpers._page()\nhelpers.page()\n",
            "high/own.py": "def _mine(): pass\n_mine()\n",
        }
    )
    found = {(v.module, v.text) for v in _private_names(graph)}
    assert found == {
        ("high.views", "from low.helpers import _page"),
        ("high.other", "low.helpers._page"),
    }


def test_public_names_keep_the_private_names_contract(tree):
    graph = tree(
        {
            "low/helpers.py": "def page(): pass\n",
            "high/views.py": "from low.helpers import page\nfrom __future__ import annotations\n",
        }
    )
    assert _private_names(graph) == []


def _function_level(graph: grimp.ImportGraph) -> list:
    contract = import_contracts.FunctionLevelContract(
        "function level",
        {},
        {
            "importer": "low.permissions",
            "allowed": ["high.models"],
            "packages": ["high"],
        },
    )
    return contract.check(graph, verbose=False).metadata["violations"]


def test_the_permissions_module_may_read_models_inside_functions_only(tree):
    graph = tree(
        {
            "high/models.py": "class Item: pass\n",
            "high/services.py": "def publish(): pass\n",
            "low/permissions.py": (
                "from high.models import Item\n"
                "def can_see(user):\n"
                "    from high.models import Item\n"
                "    from high.services import publish\n"
                "    return Item\n"
            ),
        }
    )
    found = {(v.line, v.text) for v in _function_level(graph)}
    assert found == {
        (1, "high.models (at module level)"),
        (4, "high.services (not allowed)"),
    }


def test_function_level_model_reads_keep_the_contract(tree):
    graph = tree(
        {
            "high/models.py": "class Item: pass\n",
            "low/permissions.py": "def can_see(user):\n    from high import models\n",
        }
    )
    assert _function_level(graph) == []


def test_every_module_of_tasks_is_loaded_by_the_workers():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("tasks.py"):
            found.add(".".join(path.relative_to(ROOT).parent.parts))
    assert found == set(TASK_PACKAGES) - {"config"}
