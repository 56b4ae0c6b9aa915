"""`dlexport serve` in a real Chromium: a save shows on the open page, broken sources an overlay; no path escapes."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from dlexport import serve
from dlexport.pipeline import Options
from dlexport.serve import served_file

from .conftest import ROOT, ROOTS, artifacts_dir

SUMMARY = "summary: 뉴런의 출력을 비선형으로 바꾸는 함수."
ACT = "terms/20-activation.yaml"


class Server(NamedTuple):
    """A running `dlexport serve`: its process, address, sources and log file."""

    process: subprocess.Popen[bytes]
    port: int
    sources: Path
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    """Return the status and body of GET `path`, sent exactly as written (no client-side normalising)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start `dlexport serve` on a copy of tests/roots/basic; stop it with Ctrl-C (SIGINT) afterwards."""
    sources = Path(shutil.copytree(ROOTS / "basic", tmp_path / "용어" / "sources"))
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "dlexport", "serve", "--port", str(port), "--sources",
                                    str(sources), "--out", str(tmp_path / "out")], cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    try:
        deadline = time.monotonic() + 120
        while "serving http://" not in log.read_text(encoding="utf-8"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        yield Server(process, port, sources, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_save_reload_overlay_fix(browser: Any, server: Server, tmp_path_factory: pytest.TempPathFactory) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"http://127.0.0.1:{server.port}/", wait_until="load")
    assert "뉴런의 출력을 비선형으로 바꾸는 함수" in page.inner_text("body")
    loads = [0]
    page.on("load", lambda _: loads.__setitem__(0, loads[0] + 1))

    edit(server.sources / ACT, SUMMARY, "summary: 새로 고친 요약 문장이다.")
    saved = time.monotonic()
    page.wait_for_function("t => document.body.innerText.includes(t)", arg="새로 고친 요약 문장이다", timeout=3000)
    assert time.monotonic() - saved < 3 and loads[0] == 1  # the page reloaded itself, once

    edit(server.sources / ACT, "section: basics", "section: basics: x")  # a YAML syntax error on line 2
    overlay = page.locator("#dlexport-overlay")
    overlay.wait_for(state="visible", timeout=5000)
    text = overlay.inner_text()
    assert "20-activation.yaml:2:" in text and "YAML syntax error" in text, text
    page.screenshot(path=str(artifacts_dir("serve", tmp_path_factory) / "overlay.png"))
    assert "새로 고친 요약 문장이다" in page.inner_text("body")  # the last good page stays under it
    status = json.loads(get(server.port, "/__dlexport/status?since=-1")[1])
    assert not status["ok"] and len(status["problems"]) == 1

    edit(server.sources / ACT, "section: basics: x", "section: basics")
    overlay.wait_for(state="detached", timeout=5000)
    assert "새로 고친 요약 문장이다" in page.inner_text("body") and errors == []
    page.close()


@pytest.mark.parametrize("path", ["/../serve.log", "/%2e%2e/serve.log",
                                  "/%2E%2E/%EC%9A%A9%EC%96%B4/sources/glossary.yaml", "/figures/..%2f..%2fserve.log",
                                  "//etc/passwd", "/%2Fetc%2Fpasswd",
                                  "/..\\serve.log", "/.cache/", "/nothing.html"])
def test_nothing_outside_the_build_folder(server: Server, path: str) -> None:
    status, body = get(server.port, path)
    assert status == 404, (path, body[:200])
    assert get(server.port, "/")[0] == 200


def test_only_on_the_loopback_address(server: Server) -> None:
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    for address in addresses - {"127.0.0.1"}:
        with pytest.raises(OSError), socket.create_connection((address, server.port), timeout=2):
            pass


def test_ctrl_c_stops_cleanly(server: Server) -> None:
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=10) == 0
    log = server.log.read_text(encoding="utf-8")
    assert log.rstrip().endswith("stopped") and "Traceback" not in log, log
    with pytest.raises(OSError):
        get(server.port, "/", timeout=2)


def test_a_taken_port_is_one_clear_line(server: Server, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "dlexport", "serve", "--port", str(server.port), "--sources",
                             str(server.sources), "--out", str(tmp_path / "other")], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(f"dlexport: can't serve on 127.0.0.1:{server.port} ("), result.stderr
    assert result.stderr.rstrip().endswith("try another --port") and result.stderr.count("\n") == 1


def test_served_file_keeps_to_its_folder(tmp_path: Path) -> None:
    (tmp_path / "out" / "figures").mkdir(parents=True)
    (tmp_path / "out" / "page.html").write_text("x", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    (tmp_path / "out" / "figures" / "link.png").symlink_to(tmp_path / "secret.txt")
    out = tmp_path / "out"
    assert served_file(out, "/") == served_file(out, "/page.html") == (out / "page.html").resolve()
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/figures/link.png", str(tmp_path / "secret.txt"),
                 "/figures/..%5c..%5csecret.txt", "/C:/x"):
        assert served_file(out, path) is None, path


def test_a_crashing_build_is_shown_and_the_next_one_clears_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    builds, said = serve.Builds(), []

    def crash(command: str, opts: Options) -> None:
        raise ValueError("a drawer's bug")
    monkeypatch.setattr(serve, "run", crash)
    serve.build(Options(tmp_path, tmp_path / "out"), builds, said.append)
    assert builds.state.generation == 1
    assert builds.state.problems == ("the build failed: ValueError: a drawer's bug (traceback in the terminal)",)
    assert "Traceback" in capsys.readouterr().err
    monkeypatch.setattr(serve, "run", lambda command, opts: None)
    serve.build(Options(tmp_path, tmp_path / "out"), builds, said.append)
    assert builds.after(1, timeout=0) == serve.State(2, ()) and said[-1].startswith("built in ")
