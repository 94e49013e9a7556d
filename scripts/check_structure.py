"""Structure checks that ruff does not make; `make lint` and `make test` run them (standard library only).

The script fails, naming what is wrong, when:

(a) a module has more than 400 lines. Every .py file counts except those under tests/, bench/, a
    migrations/ folder, .venv/ and hidden folders. A module that grows past that becomes a package, split by
    responsibility, never by line count (docs: examples-to-follow.md).
(b) two or more of the project's modules import each other, directly or around a loop. The graph joins the
    modules of our own top-level packages (folders at the root with an __init__.py, tests/ and bench/ aside;
    migrations aside) and the root's own modules (manage.py). Every `import x` and `from x import y` counts,
    at module level or inside a function (a function-level import only delays the loop, it does not remove
    it). `from package import name` leads to the submodule `package.name` when there is one, else to the
    package. Imports under `if TYPE_CHECKING:` do not count: they never run. Each loop is reported once,
    as a → b → a.
(c) an arrow of the layering points the wrong way. The two ends are fixed:
    - `common` is the bottom: it imports no package of ours, only Django and the standard library;
    - `config` is the top (settings, URLs, the Celery app): no module outside config/ imports it, except
      `config.celery` (the Celery app, for a module that must talk to the workers). Tests and benchmarks,
      which load the settings and the URLs on purpose, are outside the graph.
(d) two apps import each other, directly or around a loop (the arrows between apps point one way: the
    README's map of the apps), even where their modules form no loop: `calls` importing `demo` while `demo`
    imports `calls` is one.
(e) a function of a services or selectors module (or package) lacks a type on a parameter or its return:
    they are the apps' interface to each other.

When all is well it prints "structure: N modules, no module over 400 lines, no import cycle".
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_LINES = 400
SKIPPED_FOLDERS = {"tests", "bench", "migrations", ".venv", "__pycache__", "node_modules"}
OUTSIDE_GRAPH = {"tests", "bench"}
BOTTOM = "common"
TOP = "config"
TOP_ALLOWED = {"config.celery"}


# --- (a) long modules ---------------------------------------------------------------------------------------


def python_files(root: Path) -> list[Path]:
    """The .py files that count, outside the skipped folders and hidden ones, sorted."""
    found = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts[:-1]
        if any(part in SKIPPED_FOLDERS or part.startswith(".") for part in parts):
            continue
        found.append(path)
    return sorted(found)


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def long_modules(root: Path, limit: int = MAX_LINES) -> list[tuple[Path, int]]:
    """(path relative to root, lines) of every module over `limit` lines."""
    lengths = ((path, line_count(path)) for path in python_files(root))
    return [(path.relative_to(root), lines) for path, lines in lengths if lines > limit]


# --- (b) the import graph -----------------------------------------------------------------------------------


def project_modules(root: Path) -> dict[str, Path]:
    """Module name → file, for the root's modules and those of its packages (see the module's docstring)."""
    modules: dict[str, Path] = {}
    for path in python_files(root):
        relative = path.relative_to(root)
        if relative.parts[0] in OUTSIDE_GRAPH:
            continue
        if len(relative.parts) > 1 and not (root / relative.parts[0] / "__init__.py").exists():
            continue  # a folder of scripts, not a package
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _package_of(name: str, path: Path) -> str:
    """The package a module's relative imports start from."""
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _ours(name: str, modules: dict[str, Path]) -> str | None:
    """`name`, or the closest package around it, when it is one of our modules; None otherwise."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def module_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of ours that module `name` (at `path`) imports."""
    targets: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _ours(alias.name, modules)
                if target:
                    targets.add(target)
            continue
        base = node.module or ""
        if node.level:
            package = _package_of(name, path).split(".") if _package_of(name, path) else []
            package = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            base = ".".join([*package, *([node.module] if node.module else [])])
        for alias in node.names:
            submodule = f"{base}.{alias.name}" if base else alias.name
            target = submodule if submodule in modules else _ours(base, modules)
            if target:
                targets.add(target)
    targets.discard(name)
    return targets


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the modules of ours it imports."""
    modules = project_modules(root)
    return {name: module_imports(name, path, modules) for name, path in sorted(modules.items())}


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components, iteratively (a deep package would overflow the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _shortest_cycle(graph: dict[str, set[str]], start: str, members: set[str]) -> list[str]:
    """The shortest way from `start` back to itself inside one component, as [start, …, start]."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, ())):
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return [start, start]


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One loop per group of modules that import each other, each as [a, b, …, a], from its first module."""
    cycles = []
    for component in _strongly_connected(graph):
        if len(component) > 1:
            cycles.append(_shortest_cycle(graph, component[0], set(component)))
    return sorted(cycles)


# --- (c) the layering ---------------------------------------------------------------------------------------


def _top(name: str) -> str:
    return name.split(".")[0]


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    """What breaks the two fixed ends of the layering (see the module's docstring), one message each."""
    problems = []
    for name, targets in sorted(graph.items()):
        for target in sorted(targets):
            if _top(name) == BOTTOM and _top(target) != BOTTOM:
                problems.append(f"{name} imports {target}: {BOTTOM} imports no package of ours")
            if _top(target) == TOP and _top(name) != TOP and target not in TOP_ALLOWED:
                allowed = ", ".join(sorted(TOP_ALLOWED))
                problems.append(
                    f"{name} imports {target}: no module outside {TOP}/ imports it ({allowed} aside)"
                )
    return problems


def app_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """App → the other apps it imports, from the module graph (the root's own modules aside)."""
    apps: dict[str, set[str]] = {}
    for name, targets in graph.items():
        if _top(name) == TOP:
            continue  # the top imports every app (URLs, Celery); (c) keeps the apps from importing it
        if "." not in name and not any(other.startswith(name + ".") for other in graph):
            continue  # a module at the root (manage.py), not an app
        apps.setdefault(_top(name), set()).update(_top(target) for target in targets if _top(target) != TOP)
    for app, targets in apps.items():
        targets.discard(app)
    return apps


# --- (e) typed services and selectors -----------------------------------------------------------------------


def untyped_functions(root: Path) -> list[str]:
    """`path:line name (what lacks a type)` for each function of a services or selectors module."""
    found = []
    for path in python_files(root):
        relative = path.relative_to(root)
        if not {"services", "selectors"} & {*relative.parts[:-1], relative.stem}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            arguments = node.args
            named = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            missing = [a.arg for a in named if a.annotation is None and a.arg not in ("self", "cls")]
            missing += [f"*{a.arg}" for a in (arguments.vararg,) if a is not None and a.annotation is None]
            missing += [f"**{a.arg}" for a in (arguments.kwarg,) if a is not None and a.annotation is None]
            if node.returns is None:
                missing.append("the return")
            if missing:
                found.append(f"{relative}:{node.lineno} {node.name} has no type for {', '.join(missing)}")
    return found


# --- the command --------------------------------------------------------------------------------------------


def check(root: Path) -> tuple[list[str], int]:
    """Every problem found under `root`, as messages, and how many modules were checked."""
    problems = [
        f"{path}: {lines} lines (at most {MAX_LINES}: split it by responsibility)"
        for path, lines in long_modules(root)
    ]
    graph = import_graph(root)
    problems += ["import cycle: " + " → ".join(cycle) for cycle in import_cycles(graph)]
    problems += layering_violations(graph)
    problems += ["apps import each other: " + " → ".join(cycle) for cycle in import_cycles(app_graph(graph))]
    problems += untyped_functions(root)
    return problems, len(python_files(root))


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    problems, count = check(root)
    if problems:
        for problem in problems:
            print(f"structure: {problem}", file=sys.stderr)
        print(f"structure: {len(problems)} problem(s) in {count} modules", file=sys.stderr)
        return 1
    print(f"structure: {count} modules, no module over {MAX_LINES} lines, no import cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
