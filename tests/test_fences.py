"""Every private name of python-pptx and genanki that our code uses appears in one module only: its fence.

A private name is one with a leading underscore that the library's own source spells (read from the
installed library), plus genanki's undocumented `write_to_db`. The scan reads our code's syntax tree:
`obj._name` attribute uses and `from pptx… import _Name` imports, in dlexport/, tests/, bench/ and tools/.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from functools import cache
from pathlib import Path

import pytest

from .conftest import ROOT

FENCES = {"pptx": "dlexport/targets/_pptx_fast.py", "genanki": "dlexport/targets/_genanki_db.py"}
UNDOCUMENTED = {"genanki": {"write_to_db"}}  # public-looking, but not in the library's documentation
OURS = ("dlexport", "tests", "bench", "tools")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and len(name) > 1


@cache
def library_private_names(package: str) -> frozenset[str]:
    """Return the underscore names written anywhere in `package`'s source: what it keeps to itself."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, package
    names: set[str] = set()
    for path in Path(next(iter(spec.submodule_search_locations))).rglob("*.py"):
        names.update(re.findall(r"\b_[A-Za-z]\w*", path.read_text(encoding="utf-8")))
    return frozenset(n for n in names if _private(n)) | UNDOCUMENTED.get(package, set())


def uses(tree: ast.AST) -> set[tuple[str, str]]:
    """Return (package, name) for each library import of a private name and each `obj._name` not on self/cls."""
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            package = node.module.split(".")[0]
            found |= {(package, a.name) for a in node.names if _private(a.name)}
        elif isinstance(node, ast.Attribute) and not (isinstance(node.value, ast.Name)
                                                      and node.value.id in {"self", "cls"}):
            found.add(("", node.attr))
    return found


@cache
def our_modules() -> dict[str, ast.AST]:
    return {p.relative_to(ROOT).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
            for top in OURS if (ROOT / top).is_dir() for p in sorted((ROOT / top).rglob("*.py"))
            if ".venv" not in p.parts}


@cache
def our_scan() -> dict[str, tuple[set[tuple[str, str]], set[str]]]:
    """Return, per module of ours, its `uses` and the names of the functions and classes it defines."""
    return {module: (uses(tree), {node.name for node in ast.walk(tree)
                                  if isinstance(node, ast.FunctionDef | ast.ClassDef)})
            for module, tree in our_modules().items()}


@pytest.mark.parametrize("package", sorted(FENCES))
def test_private_names_appear_in_the_fence_only(package: str) -> None:
    private = library_private_names(package)
    ours_defined = {name for _, defined in our_scan().values() for name in defined}
    where: dict[str, set[str]] = {}
    for module, (used, _) in our_scan().items():
        for pkg, name in used:
            if pkg == package or (not pkg and name in private and name not in ours_defined):
                where.setdefault(name, set()).add(module)
    outside = {name: sorted(mods - {FENCES[package]}) for name, mods in where.items() if mods - {FENCES[package]}}
    assert not outside, f"{package} internals used outside {FENCES[package]}: {outside}"
    assert where, f"the fence {FENCES[package]} uses no {package} internals: is the scan still reading it?"


def test_the_scan_finds_a_private_use_outside_a_fence() -> None:
    """The check above can fail: a use of python-pptx's `_spTree` anywhere is found."""
    tree = ast.parse("from pptx.opc.serialized import _ContentTypesItem\nx = slide.shapes._spTree\n")
    assert {("pptx", "_ContentTypesItem"), ("", "_spTree")} <= uses(tree)
    assert {"_spTree", "_ContentTypesItem", "_sldIdLst"} <= library_private_names("pptx")
    assert "write_to_db" in library_private_names("genanki")
