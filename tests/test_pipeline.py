"""`python -m dlexport all`: one reproducible build, a manifest, and a no-op rebuild that does nothing."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, ROOTS, _share_figure_cache, run_cli


def files(out: Path) -> dict[str, bytes]:
    """Return every output file below `out` (the cache excluded) by relative path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an output folder holding one full build of the fixture glossary."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("all", "--sources", ROOTS / "basic", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_all_writes_every_output_and_a_manifest(built: Path) -> None:
    names = sorted(files(built))
    assert "테스트-용어집.apkg" in names and "테스트-용어집.pptx" in names and "manifest.json" in names
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["path"]: e for e in manifest["outputs"]}
    assert sorted(listed) == [n for n in names if n != "manifest.json"]
    for name, entry in listed.items():
        assert entry["size"] == (built / name).stat().st_size
    assert manifest["counts"]["terms"] == 3 and manifest["counts"]["figures"] == 2
    assert manifest["counts"]["notes"] == 6 and manifest["counts"]["slides"] > 5  # 3 terms, 2 facts, 1 occlusion
    with zipfile.ZipFile(built / "테스트-용어집.pptx") as deck:
        slides = [n for n in deck.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    assert manifest["counts"]["slides"] == len(slides)
    assert manifest["epoch"] == 1700000000
    assert not [p for p in built.iterdir() if p.name.startswith(".staging")]


def test_noop_rebuild_imports_nothing_heavy_and_touches_nothing(built: Path) -> None:
    args = [str(a) for a in _share_figure_cache(("all", "--sources", ROOTS / "basic", "--out", built), ROOT)]
    cache = Path(args[args.index("--cache") + 1]) if "--cache" in args else built / ".cache"
    before = {p: p.stat().st_mtime_ns for folder in (built, cache) for p in folder.rglob("*")}
    code = ("import sys; from dlexport.cli import main; code = main(sys.argv[1:]); "
            "heavy = [m for m in ('matplotlib', 'pptx', 'genanki', 'yaml', 'PIL') if m in sys.modules]; "
            "print('HEAVY', heavy); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                            env={"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert "HEAVY []" in result.stdout
    assert {p: p.stat().st_mtime_ns for folder in (built, cache) for p in folder.rglob("*")} == before


def test_damaged_output_is_rebuilt(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    good = (out / "테스트-용어집.apkg").read_bytes()
    stamp = (out / "테스트-용어집.apkg").stat()
    for damaged in (good[:100], good[::-1]):  # truncated; same size, other bytes, and the old mtime put back
        (out / "테스트-용어집.apkg").write_bytes(damaged)
        os.utime(out / "테스트-용어집.apkg", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        result = run_cli("all", "--sources", ROOTS / "basic", "--out", out)
        assert result.returncode == 0 and "up to date" not in result.stdout
        assert (out / "테스트-용어집.apkg").read_bytes() == good


def test_builds_are_byte_identical_across_dirs_time_zones_and_hash_seeds(built: Path, tmp_path: Path) -> None:
    sources = tmp_path / "elsewhere" / "소스"
    shutil.copytree(ROOTS / "basic", sources)
    out = tmp_path / "out2"
    result = run_cli("all", "--sources", sources, "--out", out, "--jobs", "1", cwd=tmp_path,
                     env={"TZ": "Asia/Seoul", "PYTHONHASHSEED": "12345", "LC_ALL": "C.UTF-8"}, process=True)
    assert result.returncode == 0, result.stderr
    ours, theirs = files(built), files(out)
    assert sorted(ours) == sorted(theirs)
    different = [name for name in ours if ours[name] != theirs[name]]
    assert different == []


def test_later_epoch_changes_the_packages(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "later"
    result = run_cli("all", "--sources", ROOTS / "basic", "--out", out, env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert result.returncode == 0, result.stderr
    assert (out / "테스트-용어집.apkg").read_bytes() != (built / "테스트-용어집.apkg").read_bytes()
    assert json.loads((out / "manifest.json").read_text())["epoch"] == 1800000000


def test_epoch_follows_the_last_commit_of_the_sources(tmp_path: Path) -> None:
    from dlexport.epoch import build_epoch

    repo = tmp_path / "repo"
    shutil.copytree(ROOTS / "basic", repo / "sources")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    env = {"GIT_COMMITTER_DATE": "2001-02-03T04:05:06+00:00", "PATH": "/usr/bin:/bin"}
    subprocess.run([*git, "commit", "-qm", "x"], check=True, env=env)
    monkey = pytest.MonkeyPatch()
    monkey.delenv("SOURCE_DATE_EPOCH", raising=False)
    try:
        assert build_epoch(repo / "sources") == 981173106
        (repo / "sources" / "terms" / "20-activation.yaml").write_text("id: x\n", encoding="utf-8")
        assert build_epoch(repo / "sources") > 981173106  # an uncommitted edit is newer than the commit
    finally:
        monkey.undo()


def test_publish_puts_everything_back_when_a_move_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dlexport import pipeline

    out, stage = tmp_path / "out", tmp_path / "out" / ".staging"
    (out / "figures").mkdir(parents=True)
    for name, data in {"a.apkg": b"old a", "b.pptx": b"old b", "figures/old-0123456789.png": b"old png"}.items():
        (out / name).write_bytes(data)
    (stage / "figures").mkdir(parents=True)
    for name in ("a.apkg", "b.pptx", "c.md", "figures/new-0123456789.png"):
        (stage / name).write_bytes(b"new")
    before = {k: v for k, v in files(out).items() if not k.startswith(".staging")}
    real, calls = pipeline.os.replace, []

    def failing(src: object, dst: object) -> None:  # the disk fills up on the fifth rename
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.os, "replace", failing)
    with pytest.raises(OSError):
        pipeline.publish(stage, out, prune=True)
    monkeypatch.undo()
    after = {k: v for k, v in files(out).items() if not k.startswith(".staging")}
    assert after == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".previous")] == []


def test_a_source_edit_that_keeps_size_and_mtime_is_built(basic_copy: Path) -> None:
    out = basic_copy.parent / "out"
    assert run_cli("all", "--sources", basic_copy, "--out", out).returncode == 0
    assert "up to date" in run_cli("all", "--sources", basic_copy, "--out", out).stdout
    path = basic_copy / "terms" / "20-activation.yaml"
    text, stamp = path.read_text(encoding="utf-8"), path.stat()
    assert "활성화 함수" in text
    path.write_text(text.replace("활성화 함수", "활성화 험수", 1), encoding="utf-8")  # the same number of bytes
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_size == stamp.st_size and path.stat().st_mtime_ns == stamp.st_mtime_ns
    result = run_cli("all", "--sources", basic_copy, "--out", out)
    assert result.returncode == 0 and "up to date" not in result.stdout
    assert "활성화 험수" in (out / "테스트-용어집.md").read_text(encoding="utf-8")
    assert "up to date" in run_cli("all", "--sources", basic_copy, "--out", out).stdout


def test_a_file_changed_just_before_a_run_is_hashed_again_next_time(tmp_path: Path) -> None:
    from dlexport.manifest import Digests

    path, store = tmp_path / "a.yaml", tmp_path / "cache" / "digests"
    path.write_bytes(b"one")
    digests = Digests(store)
    first = digests.digest(str(path))
    digests.save(complete=True)
    assert Digests(store).old == {}  # changed within RACY_NS of the run: its stamp is not trusted next time
    later = Digests(store)
    later.since = path.stat().st_ctime_ns + 1  # as if the run started long after the file changed
    assert later.digest(str(path)) == first
    later.save(complete=True)
    assert list(Digests(store).old) == [str(path)]
    path.write_bytes(b"two")  # a new ctime (and size): hashed again
    assert Digests(store).digest(str(path)) != first


def test_an_edit_rewrites_only_the_outputs_it_changes_and_equals_a_cold_build(basic_copy: Path,
                                                                               tmp_path: Path) -> None:
    out = basic_copy.parent / "out"
    assert run_cli("all", "--sources", basic_copy, "--out", out, "--cache", tmp_path / "cache").returncode == 0
    figures = {p.name: p.stat().st_ino for p in (out / "figures").iterdir()}
    md = (out / "테스트-용어집.md").stat().st_ino
    path = basic_copy / "terms" / "20-activation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("활성화 함수", "활성 함수", 1), encoding="utf-8")
    assert run_cli("all", "--sources", basic_copy, "--out", out, "--cache", tmp_path / "cache").returncode == 0
    assert {p.name: p.stat().st_ino for p in (out / "figures").iterdir()} == figures  # left in place
    assert (out / "테스트-용어집.md").stat().st_ino != md
    cold = tmp_path / "cold"
    assert run_cli("all", "--sources", basic_copy, "--out", cold, "--cache", tmp_path / "cold-cache").returncode == 0
    assert files(out) == files(cold)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"]: e["sha256"] for e in manifest["outputs"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files(out).items() if name != "manifest.json"}


def test_the_manifest_is_written_as_json_dumps_writes_it() -> None:
    from dlexport.manifest import dumps

    data = {"counts": {"notes": 3, "terms": 2}, "dlexport": "0.1.0", "epoch": 1, "fingerprint": "ab"}
    outputs: list[dict[str, object]] = [{"path": 'figures/그림 "따옴표" \\ \t.png', "sha256": "0" * 64, "size": 12},
                                        {"path": "b.apkg", "sha256": "1" * 64, "size": 0}]
    for listed in (outputs, []):
        assert dumps(data, listed) == json.dumps({**data, "outputs": listed}, ensure_ascii=False, indent=2,
                                                 sort_keys=True) + "\n"
