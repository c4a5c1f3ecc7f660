"""How the package is built: dependencies run one way, core modules form no import cycle, and no
hand-written module outgrows one sitting (600 lines).

Read from the source with `ast`, so an import hidden inside a function counts too; only imports under
`if TYPE_CHECKING:` are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set

import cerebras.cloud.sdk as sdk

PACKAGE = Path(sdk.__file__).parent
NAME = "cerebras.cloud.sdk"
ADDITIONS = ("lib", "testing", "cli")
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([NAME, *parts])


def runtime_imports(path: Path) -> Iterator[str]:
    """Absolute names of the modules `path` imports outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    skipped: Set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in ("importlib.import_module", "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def core_modules() -> Dict[str, Path]:
    """The core: the package's own `_*.py` modules (the clients, pipeline, responses, streams, models)."""
    return {module_name(p): p for p in sorted(PACKAGE.glob("_*.py")) if not p.name.startswith("__")}


def test_the_core_never_imports_the_additions() -> None:
    offenders: List[str] = []
    for name, path in core_modules().items():
        for target in runtime_imports(path):
            if any(target == f"{NAME}.{a}" or target.startswith(f"{NAME}.{a}.") for a in ADDITIONS):
                offenders.append(f"{name} imports {target}")
    assert offenders == []


def test_lib_reaches_no_private_state_of_other_objects() -> None:
    # lib uses streams and responses through their public methods (`helper`, iteration, ...): it
    # reads private attributes of its own objects only, and attaches nothing to anyone else's.
    offenders: List[str] = []
    for path in sorted((PACKAGE / "lib").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                owner = ast.unparse(node.value)
                if owner not in ("self", "cls") and not owner[0].isupper():
                    offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
            elif isinstance(node, ast.Call) and ast.unparse(node.func) in ("setattr", "object.__setattr__"):
                offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
            elif isinstance(node, ast.Call) and ast.unparse(node.func) in ("getattr", "hasattr"):
                name = node.args[1] if len(node.args) > 1 else None
                if isinstance(name, ast.Constant) and str(name.value).startswith("_"):
                    offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert offenders == []


def test_no_import_cycle_among_core_modules() -> None:
    modules = core_modules()
    graph: Dict[str, Set[str]] = {
        name: {t for t in runtime_imports(path) if t in modules and t != name}
        for name, path in modules.items()
    }
    state: Dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: List[List[str]] = []

    def visit(node: str, trail: List[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_checks_above_can_see_imports() -> None:
    # Guard against a vacuous pass: the graph finds the edges we know are there.
    modules = core_modules()
    assert f"{NAME}._pipeline" in set(runtime_imports(modules[f"{NAME}._base_client"]))
    assert f"{NAME}._response" in set(runtime_imports(modules[f"{NAME}._base_client"]))  # a lazy import


def test_hand_written_modules_stay_under_600_lines() -> None:
    too_long: List[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "types":  # mirrors the official modules, exempt
            continue
        text = path.read_text(encoding="utf-8")
        if text.startswith("# generated"):
            continue
        lines = text.count("\n")
        if lines > MAX_LINES:
            too_long.append(f"{relative}: {lines}")
    assert too_long == []
