"""The docs package has no import cycle (rubric / evidence / scoring share one registry), and
every module imports on its own in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "src" / "rbm_surveys" / "docs"
MODULES = sorted(p.stem for p in DOCS.glob("*.py") if p.stem != "__init__")


def _graph() -> dict[str, set[str]]:
    """Module -> docs modules it imports, at top level or inside functions."""
    out: dict[str, set[str]] = {}
    for m in MODULES:
        tree = ast.parse((DOCS / f"{m}.py").read_text(encoding="utf-8"))
        deps: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[:2] == ["rbm_surveys", "docs"] and len(parts) > 2 and parts[2] in MODULES:
                    deps.add(parts[2])
        deps.discard(m)
        out[m] = deps
    return out


def test_no_import_cycle_in_docs():
    graph = _graph()
    assert "registry" in graph and "rubric" not in graph["registry"]
    assert "registry" in graph["rubric"] and "registry" in graph["scoring"]
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path + [m, d]))
            if not state.get(d):
                visit(d, path + [m])
        state[m] = 2

    for m in MODULES:
        if not state.get(m):
            visit(m, [])


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone(module):
    src = Path(__file__).resolve().parents[1] / "src"
    r = subprocess.run([sys.executable, "-c", f"import rbm_surveys.docs.{module}"],
                       capture_output=True, text=True, env={"PYTHONPATH": str(src),
                                                            "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr[-2000:]
