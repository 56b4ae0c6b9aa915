"""Tests for the one digest of dlexport's code: files read only when their stamp changed, values kept by inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlexport import codehash, diagrams, manifest


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give each test its own Digests (and none of an earlier test's digest)."""
    monkeypatch.setattr(codehash, "_lent", [])
    monkeypatch.setattr(codehash, "_code", [])
    monkeypatch.setattr(manifest, "RACY_NS", 0)  # files written a moment ago count as settled


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file `manifest.Digests` reads to hash from now on."""
    calls: list[str] = []
    real = manifest._sha256

    def counted(path: str | Path) -> str:
        calls.append(str(path))
        return real(path)
    monkeypatch.setattr(manifest, "_sha256", counted)
    return calls


def test_the_code_is_read_once_then_known_by_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads(monkeypatch)
    store = tmp_path / "digests.marshal"
    first = manifest.Digests(store)
    codehash.use(first)
    digest = codehash.digest()
    assert len(reads) == len(codehash.code().files) and "templates/anki/term_front.html" in codehash.code().files
    assert codehash.digest() == digest  # once per Digests
    first.save(complete=True)
    reads.clear()
    codehash.use(manifest.Digests(store))
    assert codehash.digest() == digest and reads == []  # the next run reads no file of the package


def test_a_derived_value_is_made_again_only_when_its_inputs_change(tmp_path: Path) -> None:
    store = tmp_path / "digests.marshal"
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value
    digests = manifest.Digests(store)
    assert digests.derived("x", "inputs 1", lambda: make("one")) == "one"
    digests.save(complete=True)
    later = manifest.Digests(store)
    assert later.derived("x", "inputs 1", lambda: make("two")) == "one" and made == ["one"]
    assert later.derived("x", "inputs 2", lambda: make("two")) == "two" and made == ["one", "two"]


def test_code_digest_parses_the_imports_only_when_the_code_changed(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "digests.marshal"
    digests = manifest.Digests(store)
    codehash.use(digests)
    diagrams.code_digest.cache_clear()
    value = diagrams.code_digest("dlexport.diagrams.networks")
    digests.save(complete=True)
    parsed: list[str] = []

    def imports(module: str, source: str) -> set[str]:
        parsed.append(module)
        return set()
    monkeypatch.setattr(diagrams, "dlexport_imports", imports)
    codehash.use(manifest.Digests(store))
    diagrams.code_digest.cache_clear()
    assert diagrams.code_digest("dlexport.diagrams.networks") == value and parsed == []
    codehash.use(manifest.Digests(store))
    code = codehash.code()
    code.digest = "another version of dlexport"
    diagrams.code_digest.cache_clear()
    diagrams.code_digest("dlexport.diagrams.networks")
    assert parsed  # the code changed: its imports are followed again
    diagrams.code_digest.cache_clear()
