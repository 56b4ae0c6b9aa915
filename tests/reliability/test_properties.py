"""Property tests: any term file either loads or gives SourceError, and whatever loads also builds.

Run longer locally with `HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/reliability/test_properties.py`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from dlexport.errors import SourceError
from dlexport.load import load
from dlexport.model import Glossary, Settings
from dlexport.render import draw_errors, render_assets
from dlexport.targets import anki, slides

from ..conftest import ROOTS

GLOSSARY = (ROOTS / "basic" / "glossary.yaml").read_bytes()
KEYS = ("id", "section", "ko", "en", "abbr", "summary", "definition", "key_points", "formulas", "figures",
        "related", "references", "cloze")
NASTY = ["!!python/object:os.system ls", "!!int abc", "!!float x", "!foo bar", "2020-13-45", "*undefined",
         "&a [*a]", "{", "[", ": :", "- -", "\t", "'", '"', "|", ">", "%YAML 1.1\n---", "---\n---", "\x00",
         "\x07", "\ufeff", "\ufffe", "~", "null", ".inf", "0x1F", "0o17", "!!binary aGk=", "<<: {a: 1}",
         "? [a]\n: b", "!!set {a, b}", "!!timestamp 2001-12-14", "- a\n- b", "\u2028", "\r", "\x85"]
LATEX = [r"y = \max(0, x)", r"\sigma(x) = \frac{1}{1 + e^{-x}}", r"\frac{", r"x^2"]

text = st.text(max_size=30)  # any code point but surrogates: controls, RTL, combining marks, emoji
text1 = st.text(min_size=1, max_size=30)
slug = st.sampled_from(["a", "b", "perceptron", "rbm-test", "x" * 70]) | \
    st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
cloze = st.builds(lambda a, b, c: f"{a}[[{b}]]{c}", text, text1, text) | text
params = {
    "rbm": st.fixed_dictionaries({}, optional={"visible": st.integers(0, 3), "hidden": st.integers(1, 2)}),
    "feedforward": st.fixed_dictionaries({}, optional={"layers": st.sampled_from([[2, 1], [3, 2], [], [1]])}),
    "image": st.fixed_dictionaries({"path": st.sampled_from(["../x.png", "/etc/hostname", "none.png", ""])}),
    "nope": st.fixed_dictionaries({}),
}
figure = st.sampled_from(sorted(params)).flatmap(lambda kind: st.fixed_dictionaries(
    {"kind": st.just(kind), "caption": text1, "alt": text1},
    optional={"id": slug, "params": params[kind]}))
formula = st.fixed_dictionaries({"latex": st.sampled_from(LATEX)}, optional={"label": text1})
reference = st.fixed_dictionaries({"authors": text1, "year": st.integers(-10, 3000), "title": text1},
                                  optional={"venue": text})
term = st.fixed_dictionaries(
    {"id": slug, "section": st.sampled_from(["basics", "models"]), "ko": text1, "en": text1, "summary": text1,
     "definition": text1, "key_points": st.lists(text1, min_size=1, max_size=3)},
    optional={"abbr": text, "formulas": st.lists(formula, max_size=2), "figures": st.lists(figure, max_size=2),
              "related": st.lists(slug, max_size=2), "references": st.lists(reference, max_size=2),
              "cloze": st.lists(cloze, max_size=2)})
# For the build test: text that loads (no control characters, not blank), unique ids, cheap figures.
words = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip)
cheap_figure = st.sampled_from(["rbm", "feedforward"]).flatmap(lambda kind: st.fixed_dictionaries(
    {"kind": st.just(kind), "caption": words, "alt": words}, optional={"params": params[kind]}))
good_term = st.fixed_dictionaries(
    {"section": st.sampled_from(["basics", "models"]), "ko": words, "en": words, "summary": words,
     "definition": words, "key_points": st.lists(words, min_size=1, max_size=4)},
    optional={"abbr": words, "formulas": st.lists(formula, max_size=2),
              "figures": st.lists(cheap_figure, max_size=2),
              "references": st.lists(reference.filter(lambda r: all(str(v).strip() for v in r.values())),
                                     max_size=2),
              "cloze": st.lists(st.builds(lambda a, b, c: f"{a}[[{b}]]{c}", words, words, words), max_size=2)})


@st.composite
def good_terms(draw: Callable[..., Any]) -> list[dict[str, Any]]:
    """Return one to three terms with distinct ids, each related to some of the others."""
    ids = draw(st.lists(st.from_regex(r"[a-z]{1,8}(-[0-9]{1,3})?", fullmatch=True), min_size=1, max_size=3,
                        unique=True))
    return [{"id": i, **draw(good_term), "related": draw(st.lists(st.sampled_from(ids), max_size=2))}
            for i in ids]


odd_value = st.one_of(st.integers(), st.floats(), st.booleans(), st.none(), st.lists(text, max_size=2),
                      st.dictionaries(text1, text, max_size=2), text)


def mutate(draw: Callable[..., Any], doc: dict[str, Any]) -> dict[str, Any]:
    """Return `doc` with one structural mistake: a key dropped, added, misspelt, retyped or nested."""
    doc = dict(doc)
    target = doc
    nested = [v for v in doc.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
    if nested and draw(st.booleans()):
        target = draw(st.sampled_from(nested))[0]
    if not target:  # every key of a nested record was dropped already
        target["x"] = draw(odd_value)
        return doc
    key = draw(st.sampled_from(sorted(target)))
    how = draw(st.sampled_from(["drop", "add", "misspell", "retype", "nest"]))
    if how == "drop":
        del target[key]
    elif how == "add":
        target[draw(st.sampled_from([*KEYS, "kind", "params"]) | text1)] = draw(odd_value)
    elif how == "misspell":
        target[key[:-1] + key[-1] * 2] = target.pop(key)
    elif how == "retype":
        target[key] = draw(odd_value)
    else:
        target[key] = draw(st.sampled_from([[target[key]], {key: target[key]}, [[target[key]]]]))
    return doc


@st.composite
def term_file(draw: Callable[..., Any]) -> bytes:
    """Return the bytes of one term file: a valid term, a mutated one, or YAML text that breaks."""
    doc = draw(term)
    for _ in range(draw(st.integers(0, 2))):
        doc = mutate(draw, doc)
    data = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    how = draw(st.sampled_from(["as is", "as is", "snippet", "bytes", "crlf"]))
    if how == "snippet":
        lines = data.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines)))
        data = "".join(lines[:at]) + draw(st.sampled_from(NASTY)) + draw(st.sampled_from(["", "\n"])) \
            + "".join(lines[at:])
    raw = data.encode("utf-8")
    if how == "bytes":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=8)) + raw[at:]
    elif how == "crlf":
        raw = b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")
    return raw


def write_tree(root: Path, files: list[bytes], glossary: bytes = GLOSSARY) -> Path:
    """Write a sources tree with the fixture's glossary file and these term files."""
    (root / "terms").mkdir(parents=True)
    (root / "glossary.yaml").write_bytes(glossary)
    for i, data in enumerate(files):
        (root / "terms" / f"{i:02d}-용어.yaml").write_bytes(data)
    return root


def load_or_source_error(root: Path) -> Glossary | None:
    """Return the loaded glossary, or None when the loader raised SourceError (anything else fails)."""
    try:
        return load(root)
    except SourceError as e:
        assert e.problems and all(p.line >= 1 and p.column >= 1 and p.message for p in e.problems)
        return None


@given(files=st.lists(term_file(), min_size=1, max_size=3),
       glossary=st.sampled_from([GLOSSARY, GLOSSARY.replace(b"sections:", b"sectons:"), b"", b"\xff",
                                 GLOSSARY.replace(b"name: ", b"name: ../")]))
def test_loader_returns_a_glossary_or_source_error(files: list[bytes], glossary: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        event("loaded" if load_or_source_error(write_tree(Path(tmp) / "sources", files, glossary)) else "SourceError")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a figure cache shared by every example (the few cheap figures are drawn once)."""
    return tmp_path_factory.mktemp("property-cache")


@given(docs=good_terms() | st.lists(term, min_size=1, max_size=3), epoch=st.integers(0, 2**31 - 1))
def test_whatever_loads_builds_both_outputs(cache: Path, docs: list[dict[str, Any]], epoch: int) -> None:
    files = [yaml.safe_dump(d, allow_unicode=True).encode() for d in docs]
    with tempfile.TemporaryDirectory() as tmp:
        glossary = load_or_source_error(write_tree(Path(tmp) / "sources", files))
        event("loaded" if glossary else "SourceError")
        if glossary is None:
            return
        out = Path(tmp) / "out"
        try:
            with draw_errors(glossary):
                assets, _ = render_assets(glossary, out, cache_dir=cache, jobs=1)
        except SourceError:
            event("undrawable figure")
            return  # params or LaTeX that can't be drawn: reported at the figure's line, like the CLI does
        settings = Settings(epoch=epoch)
        assert anki.build(glossary, assets, out, settings).paths[0].stat().st_size > 0
        assert slides.build(glossary, assets, out, settings).paths[0].stat().st_size > 0
