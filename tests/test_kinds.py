"""Tests for the diagram-kind contract: a new kind is one module and one registry entry; its Params are
checked by the loader; its cache key hashes its own code and data; the README's table is generated."""

from __future__ import annotations

import inspect
import os
import shutil
import sys
from pathlib import Path

import pytest

from dlexport import diagrams, legibility, render
from dlexport.diagrams import KINDS, Kind, Param, kind, num, text
from dlexport.errors import SourceError
from dlexport.load import load
from tests.conftest import ROOT

STRIPES = kind("tests.stripes_kind:stripes", "Vertical stripes.", labels=("stripe",),
               count=num(3, 10, 1), colour=text("#336699"))
BEGIN, END = "<!-- kinds:begin (generated from KINDS: DLEXPORT_UPDATE_GOLDEN=1 pytest tests/test_kinds.py) -->", \
    "<!-- kinds:end -->"


def _with_figure(root: Path, figure: str) -> None:
    """Replace the rbm term's figure list with `figure` (YAML lines)."""
    path = root / "terms" / "30-rbm.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("figures:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    path.write_text("\n".join([*lines[:start + 1], figure, *lines[end:]]) + "\n", encoding="utf-8")


def test_a_new_kind_is_one_module_and_one_registry_entry(monkeypatch: pytest.MonkeyPatch, basic_copy: Path,
                                                           tmp_path: Path) -> None:
    monkeypatch.setitem(KINDS, "stripes", STRIPES)
    _with_figure(basic_copy, "  - {id: bars, kind: stripes, params: {count: 5}, caption: 줄무늬, alt: 줄무늬 다섯 개}")
    glossary = load(basic_copy)
    (fig,) = [f for f in glossary.figures() if f.id == "bars"]
    assert fig.params["count"] == 5 and fig.params["colour"] == "#336699"  # the Kind's default fills the rest
    assets, stats = render.render_assets(glossary, tmp_path / "out", jobs=1)
    width, height = render.png_size(assets.figures["bars"].path.read_bytes())
    assert width > 100 and height > 50 and stats.rendered == stats.total

    _with_figure(basic_copy, "  - {id: bars, kind: stripes, params: {count: 50}, caption: 줄무늬, alt: 줄무늬}")
    with pytest.raises(SourceError, match=r"`count` is 50, more than the largest allowed, 10"):
        load(basic_copy)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_variant_that_cannot_be_drawn_names_its_figure_and_line(monkeypatch: pytest.MonkeyPatch, basic_copy: Path,
                                                                  tmp_path: Path, jobs: int) -> None:
    monkeypatch.setitem(KINDS, "narrow_stripes", kind("tests.stripes_kind:narrow_stripes", "Stripes, card only.",
                                                      layouts=("slide",), count=num(3, 10, 1), colour=text("#336699")))
    _with_figure(basic_copy, "  - {id: bars, kind: narrow_stripes, params: {count: 5}, caption: 줄무늬, alt: 줄무늬}")
    glossary = load(basic_copy)
    error = r"30-rbm\.yaml:\d+.*figure `bars`: its slide drawing: 5 stripes do not fit"
    with pytest.raises(SourceError, match=error), render.draw_errors(glossary):
        render.render_assets(glossary, tmp_path / "out", jobs=jobs)


def test_limits_belong_to_a_kind_not_to_a_parameter_name(basic_copy: Path) -> None:
    assert KINDS["init_statistics"].params["layers"].maximum == 40
    assert KINDS["dbn"].params["layers"].is_list and KINDS["dbn"].params["layers"].max_items == 12
    _with_figure(basic_copy, "  - {kind: rbm, params: {visible: 0, hidden: -2}, caption: 그림, alt: 그림}")
    with pytest.raises(SourceError, match=r"`hidden` is -2, less than the smallest allowed, 0"):
        load(basic_copy)


def test_drawers_take_keyword_arguments_without_defaults() -> None:
    import importlib

    for name, k in KINDS.items():
        module, _, function = k.drawer.partition(":")
        signature = inspect.signature(getattr(importlib.import_module(module), function))
        laid_out = {"layout"} if k.layouts else set()  # a kind with layouts takes `layout: Layout = CARD` too
        assert set(signature.parameters) == set(k.params) | laid_out, name
        for p in signature.parameters.values():
            assert p.kind is p.KEYWORD_ONLY, f"{name}: {p.name} is not keyword-only"
            if p.name in laid_out:
                assert p.default is legibility.CARD, f"{name}: its layout does not default to a card's"
            else:
                assert p.default is p.empty, f"{name}: {p.name} repeats its default"


def test_file_parameters_are_fenced_in_one_place(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.png").write_bytes(b"x")
    (tmp_path / "outside.png").write_bytes(b"x")
    path, sample = KINDS["image"].params["path"], KINDS["augmentation"].params["image"]
    assert diagrams.resolve_file(path, "a.png", tmp_path / "sources") == (tmp_path / "sources" / "a.png").resolve()
    for bad in ("../outside.png", str(tmp_path / "outside.png"), "~/a.png", "missing.png", ""):
        with pytest.raises(diagrams.FileProblem):
            diagrams.resolve_file(path, bad, tmp_path / "sources")
    assert diagrams.resolve_file(sample, "grace_hopper.jpg", tmp_path).is_file()
    with pytest.raises(diagrams.FileProblem, match="sample images"):
        diagrams.resolve_file(sample, "a.png", tmp_path / "sources")
    assert KINDS["image"].files == ("path",) and KINDS["augmentation"].files == ("image",)


def test_the_cache_key_hashes_the_drawers_own_module_and_its_data(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    package = tmp_path / "dlexport_extra_kinds"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(ROOT / "tests" / "stripes_kind.py", package / "drawing.py")
    (package / "data.txt").write_text("one", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(KINDS, "stripes", Kind("dlexport_extra_kinds.drawing:stripes", STRIPES.params, "", (),
                                               ("data.txt",)))

    def key() -> str:
        diagrams.code_digest.cache_clear()
        diagrams.data_digest.cache_clear()
        return render.cache_key("stripes", dict(KINDS["stripes"].defaults))

    first = key()
    assert key() == first
    (package / "drawing.py").write_text((package / "drawing.py").read_text() + "\n# changed\n", encoding="utf-8")
    second = key()
    assert second != first  # a drawer defined outside dlexport/diagrams/ still gets a fresh key
    (package / "data.txt").write_text("two", encoding="utf-8")
    assert key() != second
    sys.modules.pop("dlexport_extra_kinds", None)


def test_a_kinds_code_includes_the_dlexport_modules_it_imports() -> None:
    imports = diagrams.dlexport_imports
    source = (ROOT / "dlexport" / "diagrams" / "images.py").read_text(encoding="utf-8")
    assert imports("dlexport.diagrams.images", source) >= {"dlexport.diagrams.learned", "dlexport.diagrams.style"}


def test_every_param_is_described_for_the_schema() -> None:
    for name, k in KINDS.items():
        for pname, p in k.params.items():
            assert isinstance(p, Param) and p.type in (int, float, bool, str), (name, pname)
            values = p.default if isinstance(p.default, list) else [p.default]
            assert all(type(v) is p.type for v in values), (name, pname)
            if p.type in (int, float) and not p.file:
                assert p.minimum is not None and p.maximum is not None, (name, pname)
                assert all(p.minimum <= v <= p.maximum for v in values), (name, pname)  # type: ignore[operator]
        assert isinstance(k.labels, tuple)


def test_the_readme_kind_table_is_generated_from_kinds() -> None:
    readme = ROOT / "README.md"
    text_ = readme.read_text(encoding="utf-8")
    head, rest = text_.split(BEGIN + "\n")
    _, tail = rest.split(END)
    fresh = f"{head}{BEGIN}\n{diagrams.kind_table()}{END}{tail}"
    if os.environ.get("DLEXPORT_UPDATE_GOLDEN") == "1":
        readme.write_text(fresh, encoding="utf-8")
        text_ = fresh
    assert text_ == fresh, "README's kind table is stale: run DLEXPORT_UPDATE_GOLDEN=1 pytest tests/test_kinds.py"
