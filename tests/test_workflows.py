"""The release and pull-request workflows: valid GitHub Actions files that do what the README says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CI_RUN = ROOT / ".ci" / "run"
CONTAINER = "python:3.11-bookworm"  # Debian 12, the system .ci/run installs into


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


def jobs(path: Path) -> dict[str, Any]:
    """Return a workflow's jobs as parsed YAML."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    return dict(workflow["jobs"])


def run_lines(job: dict[str, Any]) -> list[str]:
    """Return the shell lines a job runs, in order."""
    return [line.strip() for step in job["steps"] if "run" in step for line in step["run"].splitlines()]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_test_in_debian_with_ci_run_then_build(path: Path) -> None:
    testing = {name: job for name, job in jobs(path).items() if "bash .ci/run" in run_lines(job)}
    assert len(testing) == 1, f"{path.name}: exactly one job runs the tests, with `bash .ci/run`"
    (job,) = testing.values()
    assert job["container"]["image"] == CONTAINER  # Debian's chromium, not Ubuntu's snap shim
    assert "--shm-size" in job["container"].get("options", "")
    lines = run_lines(job)
    assert not [line for line in lines if "apt-get" in line or "pytest" in line], \
        "packages and the test command come from .ci/run only, so CI and the workflow cannot drift"
    assert not [step for step in job["steps"] if "setup-python" in step.get("uses", "")]  # the image's Python
    build = next(i for i, line in enumerate(lines) if "python -m dlexport all" in line)
    assert lines.index("bash .ci/run") < build
    assert any(step.get("with", {}).get("fetch-depth") == 0 for step in job["steps"])  # build time from git


def test_pull_requests_get_source_problems_as_annotations() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on` as true
    lines = run_lines(jobs(ROOT / ".github" / "workflows" / "build.yml")["build"])
    check = lines.index(".venv/bin/python -m dlexport check --strict --format github")
    assert lines.index("bash .ci/run") < check < lines.index(".venv/bin/python -m dlexport all")


def test_ci_run_runs_exactly_the_readme_test_command(tmp_path: Path) -> None:
    script = CI_RUN.read_text(encoding="utf-8")
    (awk,) = re.findall(r"cmd=\$\(awk '([^']+)' README.md\)", script)
    found = subprocess.run(["awk", awk, str(ROOT / "README.md")], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == readme_test_command()
    assert 'bash -c "$cmd"' in script and "export CI=true" in script


def test_ci_run_installs_the_gui_test_system_packages() -> None:
    script = CI_RUN.read_text(encoding="utf-8")
    packages = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", script[script.index("apt-get install"):]))
    assert {"xvfb", "xauth", "libxcb-cursor0", "libnss3", "libxkbcommon-x11-0", "libegl1", "chromium"} <= packages


def test_release_builds_from_the_tag_commit_time_and_attaches_outputs() -> None:
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert 'SOURCE_DATE_EPOCH="$(git log -1 --format=%ct' in text
    for output in ("build/*.apkg", "build/*.pptx", "build/manifest.json"):
        assert output in text
