"""The release and pull-request workflows: valid GitHub Actions files that do what the README says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def check(*paths: Path) -> subprocess.CompletedProcess[str]:
    """Validate workflow files against the GitHub Actions schema bundled with check-jsonschema."""
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           *map(str, paths)], capture_output=True, text=True)


def readme_test_command() -> str:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("<!-- test-command"))
    return lines[start + 2]


def test_workflows_are_valid() -> None:
    assert [p.name for p in WORKFLOWS] == ["build.yml", "release.yml"]
    result = check(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  a:\n    steps: [{run: true, uses: 3}]\n", encoding="utf-8")
    assert check(broken).returncode != 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_run_the_readme_tests_then_the_build(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert readme_test_command().replace("python -m pytest", "") in text
    assert text.index("python -m pytest") < text.index("python -m dlexport all")
    assert "fetch-depth: 0" in text  # the build time comes from git history


def test_release_builds_from_the_tag_commit_time_and_attaches_outputs() -> None:
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert 'SOURCE_DATE_EPOCH="$(git log -1 --format=%ct' in text
    for output in ("build/*.apkg", "build/*.pptx", "build/manifest.json"):
        assert output in text
