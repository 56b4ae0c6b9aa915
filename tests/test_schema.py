"""The JSON Schemas in sources/schema agree with the loader: current, real sources valid, broken ones refused."""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from dlexport import schema
from dlexport.errors import SourceError
from dlexport.load import load
from dlexport.scaffold import term_text

from .conftest import ROOTS, SEED, run_cli

SCHEMAS = SEED / schema.FOLDER
ACT = "terms/20-activation.yaml"
RBM = "terms/30-rbm.yaml"
MODELINES = {"glossary.yaml": "schema/glossary.schema.json", "vocabulary.yaml": "schema/vocabulary.schema.json"}


def validator(file: str) -> jsonschema.Draft7Validator:
    """Return a validator for the committed schema of a source file (by its path inside sources/)."""
    return _validator({"glossary.yaml": "glossary", "vocabulary.yaml": "vocabulary"}.get(file, "term"))


@functools.cache
def _validator(name: str) -> jsonschema.Draft7Validator:
    """Return the validator of one committed schema, checked against JSON Schema's meta-schema once per run."""
    document = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(document)
    return jsonschema.Draft7Validator(document)


def schema_errors(root: Path, file: str) -> list[str]:
    """Return the schema's complaints about one source file."""
    data = yaml.safe_load((root / file).read_text(encoding="utf-8"))
    return [e.message for e in validator(file).iter_errors(data)]


def sources(root: Path) -> list[str]:
    """Return every source file's path inside `root` (schemas excluded)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))


def test_committed_schemas_are_current() -> None:
    stale = [name for name, text in schema.texts().items()
             if not (SCHEMAS / name).is_file() or (SCHEMAS / name).read_text(encoding="utf-8") != text]
    assert not stale, f"{stale} are stale: run `python -m dlexport schema`"
    assert sorted(p.name for p in SCHEMAS.iterdir()) == sorted(schema.FILES)


def test_the_schema_command_writes_them(tmp_path: Path) -> None:
    result = run_cli("schema", "--sources", tmp_path)
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "schema").iterdir()} == schema.texts()


@pytest.mark.parametrize("root", [SEED, ROOTS / "basic"], ids=["sources", "basic"])
def test_every_real_source_is_valid(root: Path) -> None:
    load(root)
    for file in sources(root):
        assert schema_errors(root, file) == [], file


def test_every_source_file_names_its_schema_on_its_first_line() -> None:
    for file in sources(SEED):
        first = (SEED / file).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={MODELINES.get(file, '../schema/term.schema.json')}", file
        target = (SEED / file).parent / first.split("$schema=")[1]
        assert target.resolve().is_file(), file


def test_a_new_term_file_is_valid() -> None:
    data = yaml.safe_load(term_text("new-term", "theory"))
    assert list(validator("terms/x.yaml").iter_errors(data)) == []


def edit(file: str, old: str, new: str) -> Callable[[Path], str]:
    """Return a change that replaces `old` by `new` in one file and names that file."""
    def change(root: Path) -> str:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
        return file
    return change


def add(file: str, text: str) -> Callable[[Path], str]:
    """Return a change that appends YAML text to one file."""
    def change(root: Path) -> str:
        path = root / file
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
        return file
    return change


FIGURE = "figures:\n  - {{kind: {kind}, params: {params}, caption: 그림, alt: 그림}}\n"
BROKEN: dict[str, Callable[[Path], str]] = {
    "unknown-key": edit(ACT, "definition:", "defintion:"),
    "unknown-glossary-key": add("glossary.yaml", "authour: 누구\n"),
    "unknown-section-key": edit("glossary.yaml", "    en: Models", "    en: Models\n    title: x"),
    "missing-field": edit(ACT, "summary: 뉴런의 출력을 비선형으로 바꾸는 함수.\n", ""),
    "missing-glossary-field": edit("glossary.yaml", "version: 0.0.1\n", ""),
    "text-is-a-list": edit(ACT, "en: Activation Function", "en: [Activation, Function]"),
    "text-is-a-number": edit(ACT, "en: Activation Function", "en: 42"),
    "empty-text": edit(ACT, "en: Activation Function", 'en: "  "'),
    "list-is-a-number": edit(ACT, "key_points:\n  - 비선형성을 더한다\n  - 시그모이드, tanh, ReLU", "key_points: 3"),
    "empty-key-points": edit(ACT, "key_points:\n  - 비선형성을 더한다\n  - 시그모이드, tanh, ReLU", "key_points: []"),
    "year-is-text": edit(RBM, "year: 1986", "year: nineteen-eighty-six"),
    "bad-id": edit(ACT, "id: activation", "id: Activation_Function"),
    "long-id": edit(ACT, "id: activation", "id: " + "a" * 65),
    "cloze-without-hidden-part": add(ACT, "cloze:\n  - 숨길 곳이 없는 문장\n"),
    "unknown-kind": edit(RBM, "kind: rbm", "kind: rbmm"),
    "unknown-param": edit(RBM, "visible: 4", "visibel: 4"),
    "param-type": edit(RBM, "visible: 4", "visible: four"),
    "param-over-limit": edit(RBM, "visible: 4", "visible: 41"),
    "param-under-limit": edit(RBM, "visible: 4", "visible: -41"),
    "param-list-too-long": add(ACT, FIGURE.format(kind="feedforward", params="{layers: [" + "2, " * 13 + "2]}")),
    "param-list-item-type": add(ACT, FIGURE.format(kind="feedforward", params="{layers: [2, x, 2]}")),
    "param-list-item-over-limit": add(ACT, FIGURE.format(kind="dropout", params="{rate: 1.5}")),
    "image-without-path": add(ACT, FIGURE.format(kind="image", params="{}")),
    "figure-without-alt": add(ACT, "figures:\n  - {kind: rbm, caption: 그림}\n"),
    "bad-url": edit("glossary.yaml", "tag_prefix: t", "tag_prefix: t\ncredit: {title: a, author: b, url: ftp://x}"),
    "bad-tag-prefix": edit("glossary.yaml", "tag_prefix: t", "tag_prefix: t t"),
    "no-sections": edit("glossary.yaml", "sections:\n  - id: basics\n    ko: 기초\n    en: Basics\n  - id: models\n"
                                         "    ko: 모델\n    en: Models\n", "sections: []\n"),
    "vocabulary-word-without-ko": lambda root: (root / "vocabulary.yaml").write_text(
        "words:\n  - en: hidden layer\n", encoding="utf-8") and "vocabulary.yaml",
}


@pytest.fixture
def corpus_root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOTS / "basic", tmp_path / "sources"))


@pytest.mark.parametrize("break_it", BROKEN.values(), ids=BROKEN.keys())
def test_broken_sources_are_refused_by_both(corpus_root: Path, break_it: Callable[[Path], str]) -> None:
    file = break_it(corpus_root)
    with pytest.raises(SourceError) as caught:
        load(corpus_root)
    assert any(p.path.name == Path(file).name for p in caught.value.problems), caught.value
    assert schema_errors(corpus_root, file), f"the schema accepts what the loader refuses:\n{caught.value}"


def test_each_kind_has_its_parameters_with_limits() -> None:
    document: dict[str, Any] = json.loads((SCHEMAS / "term.schema.json").read_text(encoding="utf-8"))
    figure = document["definitions"]["figure"]
    rules = {r["if"]["properties"]["kind"]["const"]: r["then"]["properties"]["params"] for r in figure["allOf"]}
    assert set(rules) == set(figure["properties"]["kind"]["enum"]) and "rbm" in rules
    assert rules["rbm"]["properties"]["visible"] == {"type": "integer", "default": 5, "minimum": 0, "maximum": 40}
    assert rules["feedforward"]["properties"]["layers"]["maxItems"] == 12
