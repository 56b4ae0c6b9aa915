"""The loader: the real sources load, and every kind of mistake is reported with file, line and column."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from dlexport.errors import SourceError
from dlexport.load import load
from dlexport.model import Glossary

from .conftest import ROOTS, SEED

RELU = (SEED / "terms" / "20-relu.yaml").read_text(encoding="utf-8")


def problems(root: Path) -> list[str]:
    """Return the loader's messages for `root`, as printed (paths relative to `root`).

    The same messages must come from a load with a cache folder, both when it reads every file and when it
    takes them from its memo (which may hold an earlier version of the files, from the same test)."""
    found = _problems(root)
    cache = root.parent / "load-cache"
    assert _problems(root, cache) == found
    assert _problems(root, cache) == found
    return found


def _problems(root: Path, cache: Path | None = None) -> list[str]:
    with pytest.raises(SourceError) as info:
        load(root, cache)
    return [f"{p.path.relative_to(root) if p.path.is_relative_to(root) else p.path}:{p.line}:{p.column}: "
            f"{p.message} — {p.fix}" for p in info.value.problems]


def edit(root: Path, name: str, old: str, new: str) -> None:
    """Replace `old` by `new` in one fixture file (which must contain it)."""
    path = root / "terms" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fixture_loads_in_order(glossary: Glossary) -> None:
    assert [s.ko for s in glossary.sections] == ["기초", "모델"]
    assert [t.id for t in glossary.terms] == ["perceptron", "activation", "rbm-test"]
    perceptron = glossary.term("perceptron")
    assert perceptron.title == "퍼셉트론 (Perceptron)"
    assert perceptron.abbr == ""
    assert perceptron.figures[0].params["layers"] == [3, 1]
    assert glossary.term("activation").figures == ()
    assert glossary.term("rbm-test").references[0].year == 1986


def test_defaults_fill_figure_params(glossary: Glossary) -> None:
    rbm = glossary.term("rbm-test").figures[0]
    assert dict(rbm.params) == {"visible": 4, "hidden": 2}
    with pytest.raises(TypeError):
        rbm.params["visible"] = 9  # type: ignore[index]


def test_seed_keeps_its_sections_and_the_cheatsheet_terms(seed_glossary: Glossary) -> None:
    assert [(s.ko, s.en) for s in seed_glossary.sections][-2:] == [
        ("이론", "Theory"), ("신경망 구조", "Neural Network Architectures")]
    ids = [t.id for t in seed_glossary.terms]
    cheatsheet = ["vanishing-gradient", "relu", "dropout", "autoencoder", "cnn", "rnn", "lstm", "rbm"]
    assert [i for i in ids if i in cheatsheet] == cheatsheet  # the seed's order, whatever is added around it


@pytest.mark.parametrize("term_id, facts", [
    ("vanishing-gradient", ["역전파", "사전 학습", "LSTM", "RNN", "입력층"]),
    ("relu", ["max(0, x)", "ln(1 + e", "시그모이드", "희소", "1"]),
    ("dropout", ["과적합", "확률"]),
    ("autoencoder", ["비지도", "항등 함수", "특징"]),
    ("cnn", ["합성곱", "풀링", "완전 연결", "이미지", "지도 학습"]),
    ("rnn", ["자기 자신", "시계열", "자연어 처리"]),
    ("lstm", ["입력 게이트", "출력 게이트", "망각 게이트", "메모리 블록"]),
    ("rbm", ["가시", "은닉", "이분", "에너지", "대조 발산", "Smolensky"]),
])
def test_seed_facts_are_carried_over(seed_glossary: Glossary, term_id: str, facts: list[str]) -> None:
    term = seed_glossary.term(term_id)
    text = " ".join([term.definition, term.summary, *term.key_points]).replace("\n", " ")
    missing = [f for f in facts if f not in text]
    assert not missing, f"{term_id} lacks {missing}"
    assert term.references and term.figures and term.cloze


def test_seed_typos_are_fixed() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in SEED.rglob("*.yaml"))
    for typo in ("Netowkrs", "Nueral", "Connetecd", "Conneteced", "Subsmapling", "Boltzman ", "값을 같도록"):
        assert typo not in text


def test_bom_and_crlf_simply_work(basic_copy: Path) -> None:
    path = basic_copy / "terms" / "20-activation.yaml"
    data = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8"))
    assert load(basic_copy).term("activation").key_points == ("비선형성을 더한다", "시그모이드, tanh, ReLU")


def test_unknown_key_suggests_the_near_miss(basic_copy: Path) -> None:
    edit(basic_copy, "20-activation.yaml", "summary:", "sumary:")
    assert problems(basic_copy) == [
        "terms/20-activation.yaml:5:1: unknown key `sumary` in a term — did you mean `summary`?"]
    edit(basic_copy, "20-activation.yaml", "sumary:", "gist:")
    assert problems(basic_copy)[0] == (
        "terms/20-activation.yaml:1:1: a term is missing the required key `summary` — add `summary: …`")


def test_wrong_types(basic_copy: Path) -> None:
    edit(basic_copy, "30-rbm.yaml", "year: 1986", "year: nineteen")
    edit(basic_copy, "30-rbm.yaml", "visible: 4", "visible: many")
    edit(basic_copy, "20-activation.yaml", "key_points:\n  - 비선형성을 더한다\n  - 시그모이드, tanh, ReLU",
         "key_points: 비선형성")
    found = problems(basic_copy)
    assert any(m.startswith("terms/30-rbm.yaml:25:11: `year` must be a whole number") for m in found), found
    assert any(m.startswith("terms/30-rbm.yaml:19:23: `visible` must be a whole number") for m in found), found
    assert any(m.startswith("terms/20-activation.yaml:7:13: `key_points` must be a list") for m in found), found
    assert len(found) == 3


def test_numbers_where_text_is_expected(basic_copy: Path) -> None:
    edit(basic_copy, "20-activation.yaml", "ko: 활성화 함수", "ko: 42")
    assert problems(basic_copy) == [
        'terms/20-activation.yaml:3:5: `ko` must be text, not a number — quote it: "42"']


def test_duplicate_ids_across_files(basic_copy: Path) -> None:
    edit(basic_copy, "20-activation.yaml", "id: activation", "id: perceptron")
    edit(basic_copy, "30-rbm.yaml", "related: [perceptron]", "related: []")
    found = problems(basic_copy)
    assert found == ["terms/20-activation.yaml:1:5: term id `perceptron` is already used by "
                     "10-퍼셉트론.yaml — give every term its own id"]


def test_dangling_related_and_unknown_section(basic_copy: Path) -> None:
    edit(basic_copy, "30-rbm.yaml", "related: [perceptron]", "related: [perceptrn, nothing]")
    edit(basic_copy, "20-activation.yaml", "section: basics", "section: basic")
    assert problems(basic_copy) == [
        "terms/20-activation.yaml:2:10: unknown section `basic` — did you mean `basics`?",
        "terms/30-rbm.yaml:22:11: related term `perceptrn` does not exist — did you mean `perceptron`?",
        "terms/30-rbm.yaml:22:22: related term `nothing` does not exist — use the `id` of another term file",
    ]


def test_unknown_kind_and_parameter(basic_copy: Path) -> None:
    edit(basic_copy, "30-rbm.yaml", "kind: rbm", "kind: rmb")
    edit(basic_copy, "10-퍼셉트론.yaml", "{layers: [3, 1]}", "{layer: [3, 1]}")
    found = problems(basic_copy)
    assert "terms/30-rbm.yaml:18:11: unknown diagram kind `rmb` — did you mean `rbm`?" in found
    assert any(m.startswith("terms/10-퍼셉트론.yaml:19:14: unknown key `layer` in the parameters of "
                            "`feedforward` — did you mean `layers`?") for m in found), found


@pytest.mark.parametrize("path", ["/etc/passwd", "../glossary.yaml", "../../outside.png", "link/x.png"])
def test_paths_may_not_leave_sources(basic_copy: Path, path: str) -> None:
    (basic_copy.parent / "outside.png").write_bytes(b"png")
    os.symlink(basic_copy.parent, basic_copy / "link")
    edit(basic_copy, "30-rbm.yaml", "kind: rbm\n    params: {visible: 4, hidden: 2}",
         f"kind: image\n    params: {{path: '{path}'}}")
    found = problems(basic_copy)
    assert found == [f"terms/30-rbm.yaml:19:20: `{path}` points outside the sources directory — use a path "
                     "relative to sources/ with no `..`, `/` or links leading out"]


def test_image_inside_sources_is_accepted(basic_copy: Path) -> None:
    (basic_copy / "images").mkdir()
    (basic_copy / "images" / "그림.png").write_bytes(b"png")
    edit(basic_copy, "30-rbm.yaml", "kind: rbm\n    params: {visible: 4, hidden: 2}",
         "kind: image\n    params: {path: images/그림.png}")
    assert load(basic_copy).term("rbm-test").figures[0].params["path"] == "images/그림.png"


def test_non_utf8_names_the_byte(basic_copy: Path) -> None:
    path = basic_copy / "terms" / "20-activation.yaml"
    path.write_bytes(path.read_bytes().replace("활성화 함수".encode(), "활성화 함수".encode("cp949")))
    (message,) = problems(basic_copy)
    assert re.fullmatch(r"terms/20-activation\.yaml:3:\d+: byte 0x[0-9a-f]{2} is not UTF-8 — save the file "
                        r"as UTF-8 \(your editor's 'Save with encoding'\)", message), message


def test_yaml_syntax_error_has_position(basic_copy: Path) -> None:
    edit(basic_copy, "20-activation.yaml", "ko: 활성화 함수", "ko: [활성화 함수")
    (message,) = problems(basic_copy)
    assert re.match(r"terms/20-activation\.yaml:4:\d+: YAML syntax error: ", message), message


def test_an_unreadable_file_is_one_problem_not_a_cascade(basic_copy: Path) -> None:
    """30-rbm.yaml names `perceptron` as related; the file defining it is unreadable: only its own mistake is
    reported. Once every file is read, a related id that names no term is reported again."""
    edit(basic_copy, "10-퍼셉트론.yaml", "ko: 퍼셉트론", "ko: [퍼셉트론")
    (message,) = problems(basic_copy)
    assert message.startswith("terms/10-퍼셉트론.yaml:") and "YAML syntax error" in message, message
    edit(basic_copy, "10-퍼셉트론.yaml", "ko: [퍼셉트론", "ko: 퍼셉트론")
    edit(basic_copy, "10-퍼셉트론.yaml", "id: perceptron", "id: perceptron-2")
    assert any("related term `perceptron` does not exist" in m for m in problems(basic_copy))


def test_empty_file_and_empty_dirs(basic_copy: Path, tmp_path: Path) -> None:
    (basic_copy / "terms" / "40-empty.yaml").write_text("", encoding="utf-8")
    assert problems(basic_copy) == ["terms/40-empty.yaml:1:1: file is empty — write the keys it needs, "
                                    "or delete it"]
    shutil.rmtree(basic_copy / "terms")
    assert problems(basic_copy) == ["terms:1:1: no term files found — add one YAML file per term under terms/"]
    assert problems(tmp_path / "nowhere") == [
        ".:1:1: sources directory does not exist — pass an existing directory "
        "with --sources"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert problems(empty) == ["glossary.yaml:1:1: glossary file is missing — create glossary.yaml with "
                               "id, name, title, … and sections"]


def test_duplicate_key_and_cloze_without_gap(basic_copy: Path) -> None:
    edit(basic_copy, "20-activation.yaml", "en: Activation Function", "en: Activation Function\nen: Again")
    edit(basic_copy, "20-activation.yaml", "[[1]]", "1")
    assert problems(basic_copy) == [
        "terms/20-activation.yaml:5:1: key `en` appears twice in a term — keep only one of them",
        "terms/20-activation.yaml:12:5: a cloze fact has no hidden part — mark the part to hide as "
        "[[like this]]",
    ]


def test_three_mistakes_in_one_file_are_all_reported(basic_copy: Path) -> None:
    edit(basic_copy, "10-퍼셉트론.yaml", 'abbr: ""', "abbr: [P]")
    edit(basic_copy, "10-퍼셉트론.yaml", "year: 1958", "year: '1958'")
    edit(basic_copy, "10-퍼셉트론.yaml", "caption: 입력", "captoin: 입력")
    found = problems(basic_copy)
    files = {m.split(":")[0] for m in found}
    assert files == {"terms/10-퍼셉트론.yaml"}
    assert [m.split(":")[1] for m in found] == ["5", "20", "26"], found  # abbr, caption key, year


def test_every_fixture_file_is_valid_yaml_for_the_loader() -> None:
    assert load(ROOTS / "basic").name == "테스트-용어집"


@pytest.mark.parametrize("params, message", [
    ("{visible: 400, hidden: 2}", "19:23: `visible` is 400, more than the largest allowed, 40"),
    ("{visible: 4, hidden: 2, seed: 1}", "19:37: unknown key `seed` in the parameters of `rbm`"),
])
def test_figure_parameters_have_limits(basic_copy: Path, params: str, message: str) -> None:
    edit(basic_copy, "30-rbm.yaml", "{visible: 4, hidden: 2}", params)
    (found,) = problems(basic_copy)
    assert found.startswith(f"terms/30-rbm.yaml:{message}"), found


def test_list_parameters_have_limits(basic_copy: Path) -> None:
    edit(basic_copy, "10-퍼셉트론.yaml", "{layers: [3, 1]}", "{layers: [3, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 999]}")
    assert problems(basic_copy) == [
        "terms/10-퍼셉트론.yaml:19:22: `layers` has 13 items — give at most 12",
        "terms/10-퍼셉트론.yaml:19:59: `layers` is 999, more than the largest allowed, 40 — use a smaller value "
        "(figures this large take minutes to draw and can't be read)"]


@pytest.mark.parametrize(("name", "kind"), [("nope.png", "autoencoder_features"), ("/usr/share/doc", "augmentation"),
                                          ("../../../../etc/passwd", "convolution_pooling")])
def test_learned_features_read_only_matplotlib_sample_images(basic_copy: Path, name: str, kind: str) -> None:
    edit(basic_copy, "30-rbm.yaml", "kind: rbm\n    params: {visible: 4, hidden: 2}",
         f"kind: {kind}\n    params: {{image: '{name}'}}")
    (found,) = problems(basic_copy)
    assert found.startswith(f"terms/30-rbm.yaml:19:21: `{name}` is not one of matplotlib's sample images — "
                            "use one of: "), found
    assert "grace_hopper.jpg" in found


def test_each_mistake_in_a_list_is_reported_once_at_its_item(basic_copy: Path) -> None:
    edit(basic_copy, "30-rbm.yaml", "related: [perceptron]", "related: [42, perceptrn]")
    edit(basic_copy, "20-activation.yaml", "cloze:\n  - ReLU의 양수 구간 기울기는 [[1]]이다.", "cloze: 하나")
    assert problems(basic_copy) == [
        "terms/20-activation.yaml:10:8: `cloze` must be a list (lines starting with `- `), not text — write "
        "each item on its own line starting with `- `",
        'terms/30-rbm.yaml:22:11: an item of `related` must be text, not a number — quote it: "42"',
        "terms/30-rbm.yaml:22:15: related term `perceptrn` does not exist — did you mean `perceptron`?",
    ]


def test_cloze_facts_may_carry_an_id_and_two_with_one_identity_are_rejected(basic_copy: Path) -> None:
    edit(basic_copy, "10-퍼셉트론.yaml", "  - 퍼셉트론은 [[선형]]으로 나뉘는 문제만 풀 수 있다.\n",
         "  - 퍼셉트론은 [[선형]]으로 나뉘는 문제만 풀 수 있다.\n"
         "  - {id: step-output, text: '출력은 [[계단 함수]]로 정한다.'}\n"
         "  - 가중합이 [[ 선형! ]]이다.\n")
    assert problems(basic_copy) == [
        "terms/10-퍼셉트론.yaml:32:5: this cloze fact has the same identity `선형` as the fact on line 30; each "
        "fact's identity is its `id`, else its [[answer]] — give one of them an `id:` (write it as "
        "`- {id: some-name, text: …}`)"]
    edit(basic_copy, "10-퍼셉트론.yaml", "  - 가중합이 [[ 선형! ]]이다.",
         "  - {id: 선형-2, text: '가중합이 [[ 선형! ]]이다.'}")
    term = load(basic_copy).term("perceptron")
    assert term.cloze[1] == "출력은 [[계단 함수]]로 정한다."
    assert term.fact_ids() == ("선형", "step-output", "선형-2")


def test_terms_with_the_same_names_and_facts_in_two_terms_are_rejected(basic_copy: Path) -> None:
    edit(basic_copy, "20-activation.yaml", "ko: 활성화 함수", "ko: 퍼셉트론")
    edit(basic_copy, "20-activation.yaml", "en: Activation Function", "en: Perceptron")
    text = (basic_copy / "terms" / "20-activation.yaml").read_text(encoding="utf-8")
    cloze = re.search(r"cloze:\n  - .*\n", text)
    assert cloze is not None
    (basic_copy / "terms" / "20-activation.yaml").write_text(
        text.replace(cloze[0], "cloze:\n  - 퍼셉트론은 [[선형]]으로 나뉘는 문제만 풀 수 있다.\n"), encoding="utf-8")
    found = problems(basic_copy)
    assert len(found) == 2
    assert "has the same names as the one in 10-퍼셉트론.yaml" in found[0]
    assert "the same cloze fact is in 10-퍼셉트론.yaml" in found[1]


def test_a_load_from_the_memo_equals_a_cold_load_warnings_sources_and_all(basic_copy: Path, tmp_path: Path) -> None:
    from .test_vocabulary import plant

    plant(basic_copy)  # avoided words: warnings
    edit(basic_copy, "30-rbm.yaml", "caption: ", "caption: TODO ")
    cold = load(basic_copy)
    assert len(cold.warnings) == 4
    cache = tmp_path / "cache"
    for _ in range(2):  # fills the memo, then reads from it
        warm = load(basic_copy, cache)
        assert warm == cold and repr(warm) == repr(cold)  # repr: also source paths, figure folders, warnings
        assert type(warm.term("rbm-test").figures[0].params) is type(cold.term("rbm-test").figures[0].params)
    assert (cache / "memo-load.pickle").is_file()


def test_the_memo_reads_only_the_changed_file(basic_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) \
        -> None:
    from dlexport import load as module

    read: list[str] = []
    real = module._Reader.read_term
    monkeypatch.setattr(module._Reader, "read_term", lambda self, path, raw: read.append(path.name) or
                        real(self, path, raw))
    cache = tmp_path / "cache"
    load(basic_copy, cache)
    assert len(read) == 3
    edit(basic_copy, "20-activation.yaml", "ko: 활성화 함수", "ko: 활성 함수")
    read.clear()
    assert load(basic_copy, cache).term("activation").ko == "활성 함수"
    assert read == ["20-activation.yaml"]
    read.clear()
    load(basic_copy, cache)
    assert read == []


def test_a_broken_file_whose_good_version_is_in_the_memo_fails_as_in_a_cold_load(basic_copy: Path,
                                                                                   tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load(basic_copy, cache)
    edit(basic_copy, "20-activation.yaml", "ko: 활성화 함수", "ko: [활성화 함수")
    edit(basic_copy, "30-rbm.yaml", "kind: rbm", "kind: rmb")
    with pytest.raises(SourceError) as cold:
        load(basic_copy)
    with pytest.raises(SourceError) as warm:
        load(basic_copy, cache)
    assert str(warm.value) == str(cold.value) and len(cold.value.problems) == 2


def test_a_kept_term_still_checks_the_picture_it_names(basic_copy: Path, tmp_path: Path) -> None:
    (basic_copy / "images").mkdir()
    (basic_copy / "images" / "그림.png").write_bytes(b"png")
    edit(basic_copy, "30-rbm.yaml", "kind: rbm\n    params: {visible: 4, hidden: 2}",
         "kind: image\n    params: {path: images/그림.png}")
    cache = tmp_path / "cache"
    load(basic_copy, cache)
    (basic_copy / "images" / "그림.png").unlink()
    assert _problems(basic_copy, cache) == _problems(basic_copy) == [
        "terms/30-rbm.yaml:19:20: `images/그림.png` does not exist — put the file under sources/ and give its path "
        "relative to sources/"]
