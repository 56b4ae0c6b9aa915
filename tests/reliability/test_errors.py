"""Every mistake a contributor can make is one `path:line:col: what — fix` line from the real CLI, exit 1."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import NAME, copy_basic, fails_with, leftovers, replace, run_cli, snapshot

ACT = "terms/20-activation.yaml"
RBM = "terms/30-rbm.yaml"
IMAGE = "figures:\n  - {{kind: image, params: {{path: {path}}}, caption: 그림, alt: 그림}}\n"


def append(root: Path, name: str, text: str) -> None:
    """Append YAML text to one source file."""
    path = root / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def outside_file(root: Path) -> Path:
    """Return a PNG file that lies beside the sources folder, not inside it."""
    target = root.parent / "outside.png"
    target.write_bytes(b"\x89PNG\r\n\x1a\n")
    return target


def symlink_out(root: Path) -> str:
    """Make sources/pics/link.png a symlink to a file outside sources/ and return its relative path."""
    (root / "pics").mkdir()
    (root / "pics" / "link.png").symlink_to(outside_file(root))
    return "pics/link.png"


def linked_term(root: Path) -> None:
    """Make terms/40-linked.yaml a symlink to a term file that lies outside sources/."""
    target = root.parent / "elsewhere.yaml"
    target.write_bytes((root / ACT).read_bytes().replace(b"id: activation", b"id: elsewhere"))
    (root / "terms" / "40-linked.yaml").symlink_to(target)


def non_utf8(root: Path) -> None:
    """Put one Latin-1 byte in the summary (a file saved in the wrong encoding)."""
    path = root / ACT
    path.write_bytes(path.read_bytes().replace("함수.".encode(), "함수 caf".encode() + b"\xe9."))


def other_layer(root: Path) -> None:
    """Give key_points a nested mapping where a list of texts belongs."""
    replace(root / ACT, "  - 비선형성을 더한다\n", "  - 비선형성을 더한다\n  - {nested: [wrongly]}\n")


# (case id, how to break the sources, file, line, part of the message, part of the fix)
CASES: list[tuple[str, Callable[[Path], object], str, int, str, str]] = [
    ("yaml-syntax", lambda r: replace(r / ACT, "section: basics", "section: basics: x"),
     ACT, 2, "YAML syntax error: mapping values are not allowed", "indentation"),
    ("unclosed-quote", lambda r: replace(r / ACT, "ko: 활성화 함수", 'ko: "활성화 함수'),
     ACT, 12, "while scanning a quoted scalar at line 3", "quotes"),
    ("tab-indent", lambda r: replace(r / ACT, "  - 비선형성을 더한다", "\t- 비선형성을 더한다"),
     ACT, 8, "YAML syntax error", "indentation"),
    ("list-not-text", lambda r: replace(r / ACT, "en: Activation Function", "en: [Activation, Function]"),
     ACT, 4, "`en` must be text, not a list", "write the text"),
    ("number-not-list", lambda r: replace(r / ACT, "key_points:\n  - 비선형성을 더한다\n  - 시그모이드, tanh, ReLU",
                                          "key_points: 3"),
     ACT, 7, "`key_points` must be a list", "`- `"),
    ("nested-wrongly", other_layer, ACT, 9, "an item of `key_points` must be text, not a mapping", "write"),
    ("year-not-number", lambda r: replace(r / RBM, "year: 1986", "year: nineteen-eighty-six"),
     RBM, 25, "`year` must be a whole number", "2010"),
    ("bad-timestamp", lambda r: replace(r / RBM, "year: 1986", "year: 1986-13-45"),
     RBM, 25, "`year` `1986-13-45` can't be read as timestamp", "quote it"),
    ("python-tag", lambda r: replace(r / ACT, "en: Activation Function", "en: !!python/object:os.system ls"),
     ACT, 4, "`en` `ls` can't be read", "remove any `!tag`"),
    ("control-char", lambda r: replace(r / ACT, "함수.", "함수\x07."),
     ACT, 5, "character U+0007 is not allowed in YAML", "delete it"),
    ("escaped-control-char", lambda r: replace(r / ACT, "ko: 활성화 함수", 'ko: "활성화\\x1e함수"'),
     ACT, 3, "`ko` contains the invisible character U+001E", "delete it"),
    ("missing-key", lambda r: replace(r / ACT, "summary: 뉴런의 출력을 비선형으로 바꾸는 함수.\n", ""),
     ACT, 1, "a term is missing the required key `summary`", "add `summary: …`"),
    ("unknown-key", lambda r: replace(r / ACT, "definition:", "defintion:"),
     ACT, 6, "unknown key `defintion` in a term", "did you mean `definition`?"),
    ("duplicate-key", lambda r: append(r, ACT, "ko: 또\n"), ACT, 12, "key `ko` appears twice", "keep only one"),
    ("duplicate-id", lambda r: (r / "terms" / "25-copy.yaml").write_bytes((r / ACT).read_bytes()),
     "terms/25-copy.yaml", 1, "term id `activation` is already used by 20-activation.yaml", "its own id"),
    ("dangling-related", lambda r: append(r, ACT, "related: [perceptron, relu]\n"),
     ACT, 12, "related term `relu` does not exist", "`id` of another term"),
    ("unknown-section", lambda r: replace(r / ACT, "section: basics", "section: basic"),
     ACT, 2, "unknown section `basic`", "did you mean `basics`?"),
    ("unknown-kind", lambda r: replace(r / RBM, "kind: rbm", "kind: rbmm"),
     RBM, 18, "unknown diagram kind `rbmm`", "did you mean `rbm`?"),
    ("unknown-param", lambda r: replace(r / RBM, "visible: 4", "visibel: 4"),
     RBM, 19, "unknown key `visibel` in the parameters of `rbm`", "did you mean `visible`?"),
    ("param-type", lambda r: replace(r / RBM, "visible: 4", "visible: four"),
     RBM, 19, "`visible` must be a whole number", "whole number"),
    ("absolute-path", lambda r: append(r, ACT, IMAGE.format(path=outside_file(r))),
     ACT, 13, "points outside the sources directory", "relative to sources/"),
    ("dotdot-path", lambda r: (outside_file(r), append(r, ACT, IMAGE.format(path="../outside.png"))),
     ACT, 13, "`../outside.png` points outside the sources directory", "no `..`"),
    ("home-path", lambda r: append(r, ACT, IMAGE.format(path="~/outside.png")),
     ACT, 13, "points outside the sources directory", "relative to sources/"),
    ("symlink-out", lambda r: append(r, ACT, IMAGE.format(path=symlink_out(r))),
     ACT, 13, "`pics/link.png` points outside the sources directory", "links leading out"),
    ("missing-image", lambda r: append(r, ACT, IMAGE.format(path="pics/none.png")),
     ACT, 13, "`pics/none.png` does not exist", "put the file under sources/"),
    ("linked-term-file", linked_term, "terms/40-linked.yaml", 1, "a link leading outside the sources directory",
     "copy the file into sources/"),
    ("folder-named-yaml", lambda r: (r / "terms" / "40-folder.yaml").mkdir(), "terms/40-folder.yaml", 1,
     "is a folder or a broken link", "rename it"),
    ("non-utf8", non_utf8, ACT, 5, "byte 0xe9 is not UTF-8", "UTF-8"),
    ("empty-file", lambda r: (r / "terms" / "40-empty.yaml").write_bytes(b""),
     "terms/40-empty.yaml", 1, "file is empty", "delete it"),
    ("only-comments", lambda r: (r / "terms" / "40-empty.yaml").write_text("# 나중에\n", encoding="utf-8"),
     "terms/40-empty.yaml", 1, "file is empty", "delete it"),
    ("top-level-list", lambda r: (r / "terms" / "40-list.yaml").write_text("- a\n- b\n", encoding="utf-8"),
     "terms/40-list.yaml", 1, "a term must be a mapping", "write it as keys"),
    ("bad-glossary-name", lambda r: replace(r / "glossary.yaml", "name: 테스트-용어집", "name: ../../etc"),
     "glossary.yaml", 2, "can't be a file name", "letters, digits"),
    ("long-id", lambda r: replace(r / ACT, "id: activation", "id: " + "a" * 300),
     ACT, 1, "`id` is 300 characters long", "shorten it"),
    ("no-term-files", lambda r: [p.unlink() for p in (r / "terms").iterdir()],
     "terms", 1, "no term files found", "one YAML file per term"),
    ("no-glossary-file", lambda r: (r / "glossary.yaml").unlink(),
     "glossary.yaml", 1, "glossary file is missing", "create glossary.yaml"),
]


@pytest.mark.parametrize(("break_it", "file", "line", "message", "fix"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mistake_is_one_precise_line(tmp_path: Path, break_it: Callable[[Path], object], file: str,
                                     line: int, message: str, fix: str) -> None:
    root = copy_basic(tmp_path / "용어" / "sources")
    break_it(root)
    out = tmp_path / "out"
    result = run_cli("all", "--sources", root, "--out", out)
    problem = fails_with(result, file, line, message)
    assert fix in problem["fix"], problem.string
    assert not out.exists(), "a build that fails while loading must not even create --out"


def test_verbose_prints_source_errors_the_same_way(tmp_path: Path) -> None:
    root = copy_basic(tmp_path / "sources")
    replace(root / ACT, "definition:", "defintion:")
    result = run_cli("check", "--verbose", "--sources", root)
    fails_with(result, ACT, 6, "unknown key `defintion`")


def test_empty_and_missing_sources_directories(tmp_path: Path) -> None:
    (tmp_path / "비어있음").mkdir()
    empty = run_cli("all", "--sources", tmp_path / "비어있음", "--out", tmp_path / "out")
    fails_with(empty, "비어있음/glossary.yaml", 1, "glossary file is missing")
    missing = run_cli("all", "--sources", tmp_path / "없음", "--out", tmp_path / "out")
    fails_with(missing, "없음", 1, "sources directory does not exist")
    a_file = tmp_path / "file.yaml"
    a_file.write_text("id: x\n", encoding="utf-8")
    not_dir = run_cli("check", "--sources", a_file)
    fails_with(not_dir, "file.yaml", 1, "sources directory does not exist")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["file", "proc"])
def test_unwritable_out_names_the_path(tmp_path: Path, where: str) -> None:
    """As root chmod stops nothing, so --out lies below a regular file, or in /proc."""
    blocker = tmp_path / "보통-파일"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "out" if where == "file" else Path(f"/proc/{os.getpid()}/새-폴더/out")
    cache = tmp_path / "cache"
    result = run_cli("all", "--sources", copy_basic(tmp_path / "src"),
                     "--out", out, "--cache", cache)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.splitlines()
    named = str(blocker) if where == "file" else f"/proc/{os.getpid()}/새-폴더"
    assert line.startswith(named), line
    assert "check that the folder exists and is writable" in line
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_bom_and_crlf_simply_work_and_give_the_same_outputs(tmp_path: Path, figure_cache: Path) -> None:
    plain = copy_basic(tmp_path / "plain")
    windows = copy_basic(tmp_path / "windows")
    for path in windows.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    outputs = {}
    for root in (plain, windows):
        out = tmp_path / f"out-{root.name}"
        result = run_cli("all", "--sources", root, "--out", out, "--cache", figure_cache)
        assert result.returncode == 0, result.stderr
        assert result.stderr == "" and leftovers(out) == []
        outputs[root.name] = {k: v for k, v in snapshot(out).items() if k != "manifest.json"}
    assert {f"{NAME}.apkg", f"{NAME}.pptx"} <= set(outputs["plain"])
    assert outputs["windows"] == outputs["plain"]  # line endings and a BOM change no output byte
