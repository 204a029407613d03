"""Two import-linter contract types the built-in ones lack (pyproject.toml,
``[tool.importlinter]``; run by ``lint-imports`` in CI and by
tests/config/test_architecture.py).

- ``private_names``: no module takes a private name (``_name``) of another
  module, by ``from x import _name`` or as ``x._name``.
- ``function_level``: the listed importer may import the listed modules only
  inside a function, never when it is itself imported. The permissions
  module reads the apps' models that way: it stands on the ground floor,
  and the models stand above it.
"""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output

ROOT = Path(__file__).resolve().parents[1]


def _source(module: str) -> Path | None:
    base = ROOT / Path(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass(frozen=True, order=True)
class Violation:
    module: str
    line: int
    text: str


class PrivateNamesContract(Contract):
    """No module imports or reaches another module's private names."""

    type_name = "private_names"

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        found: list[Violation] = []
        for module in sorted(graph.modules):
            path = _source(module)
            if path is None:
                continue
            tree = ast.parse(path.read_text(), str(path))
            is_package = path.name == "__init__.py"
            # Local names bound to the project's modules: ``x._name`` on one
            # of them reaches into another module.
            modules: dict[str, str] = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    source = _absolute(module, node, is_package)
                    for alias in node.names:
                        local = alias.asname or alias.name
                        target = "{}.{}".format(source, alias.name)
                        if target in graph.modules:
                            modules[local] = target
                        elif _private(alias.name) and source != module:
                            found.append(
                                Violation(
                                    module,
                                    node.lineno,
                                    "from {} import {}".format(source, alias.name),
                                )
                            )
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name in graph.modules:
                            modules[alias.asname or alias.name] = alias.name
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and _private(node.attr)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in modules
                    and modules[node.value.id] != module
                ):
                    found.append(
                        Violation(
                            module,
                            node.lineno,
                            "{}.{}".format(modules[node.value.id], node.attr),
                        )
                    )
        return ContractCheck(
            kept=not found, metadata={"violations": sorted(set(found))}
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(
                "{}:{} takes a private name: {}".format(
                    violation.module, violation.line, violation.text
                ),
                bold=False,
            )
        output.new_line()


def _enclosing_functions(tree: ast.AST) -> dict[ast.AST, bool]:
    """Each import node, and whether it sits inside a function."""
    inside: dict[ast.AST, bool] = {}

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                inside[child] = in_function
            visit(
                child,
                in_function
                or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef),
            )

    visit(tree, False)
    return inside


class FunctionLevelContract(Contract):
    """The importer imports the matching modules only inside functions, and
    no other modules of theirs' apps."""

    type_name = "function_level"

    importer = fields.StringField()
    # Shell-style patterns of the modules it may import that way.
    allowed = fields.ListField(subfield=fields.StringField())
    # The packages those modules belong to: any other import of theirs is
    # refused, at any level.
    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        importer = str(self.importer)
        path = _source(importer)
        assert path is not None, importer  # nosec B101 # a contract misconfigured
        tree = ast.parse(path.read_text(), str(path))
        found: list[Violation] = []
        for node, in_function in _enclosing_functions(tree).items():
            if isinstance(node, ast.ImportFrom):
                source = _absolute(importer, node, path.name == "__init__.py")
                targets = [
                    "{}.{}".format(source, a.name)
                    if "{}.{}".format(source, a.name) in graph.modules
                    else source
                    for a in node.names
                ]
            else:
                targets = [a.name for a in node.names]
            for target in targets:
                if not any(
                    target == p or target.startswith(p + ".") for p in self.packages
                ):
                    continue
                allowed = any(fnmatch.fnmatchcase(target, p) for p in self.allowed)
                if not allowed:
                    found.append(
                        Violation(importer, node.lineno, target + " (not allowed)")
                    )
                elif not in_function:
                    found.append(
                        Violation(importer, node.lineno, target + " (at module level)")
                    )
        return ContractCheck(
            kept=not found, metadata={"violations": sorted(set(found))}
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(
                "{}:{} imports {}".format(
                    violation.module, violation.line, violation.text
                ),
                bold=False,
            )
        output.new_line()
