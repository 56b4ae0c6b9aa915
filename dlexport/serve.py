"""`dlexport serve`: build the study page, serve it on 127.0.0.1, rebuild on every save and reload the open page.

The watcher polls the modification times of sources/ and the templates once a second (no busy loop); one
build runs at a time, and saves made during a build are coalesced into the next one. A failed build leaves
the last good outputs in place and shows its problems in an overlay on the open page.
"""

from __future__ import annotations

import json
import mimetypes
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from dlexport.errors import SourceError, UsageError
from dlexport.pipeline import Options, run

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATUS = "/__dlexport/status"
WAIT = 20.0  # seconds a status request waits for the next build before answering "nothing new"
POLL = 1.0  # seconds between two looks at the files

# Injected before </body> of every HTML page served: long-polls STATUS, reloads after a good build,
# shows the problems of a failed one in an overlay (kept until the next good build reloads the page).
SCRIPT = """<script>(function () {
  var seen = %(generation)d;
  function overlay(problems) {
    var box = document.getElementById("dlexport-overlay");
    if (!problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "dlexport-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2em;" +
        "background:rgba(20,20,20,.92);color:#fff;font:14px/1.5 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "dlexport: the sources have " + problems.length + " problem(s); " +
      "the page shows the last good build.\\n\\n" + problems.join("\\n");
  }
  function poll(since) {
    fetch("%(status)s?since=" + since, {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.generation !== seen && s.ok) { location.reload(); return; }
        overlay(s.problems);
        poll(s.generation);
      }, function () { setTimeout(function () { poll(since); }, 1000); });
  }
  poll(-1);
})();</script>
"""


EMPTY = "<!doctype html><html><body><p>dlexport: nothing built yet.</p></body></html>"


class State(NamedTuple):
    """The outcome of the latest build: its number, and its problems (none when it succeeded)."""

    generation: int
    problems: tuple[str, ...]


class Builds:
    """The latest build's state, and a condition that wakes the status requests waiting for the next one."""

    def __init__(self) -> None:
        self.state = State(0, ())
        self.changed = threading.Condition()

    def publish(self, problems: tuple[str, ...]) -> None:
        """Record a finished build and wake every waiting request."""
        with self.changed:
            self.state = State(self.state.generation + 1, problems)
            self.changed.notify_all()

    def after(self, since: int, timeout: float) -> State:
        """Return the state once its generation differs from `since`, or as it is after `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.state.generation != since, timeout)
            return self.state


def served_file(root: Path, url_path: str) -> Path | None:
    """Return the file under `root` a URL path names, or None for anything outside it (`..`, absolute, links)."""
    path = unquote(url_path)
    parts = [p for p in path.split("/") if p]
    if "\\" in path or "\0" in path or any(p in (".", "..") or ":" in p for p in parts):
        return None
    base = root.resolve()
    target = base.joinpath(*parts).resolve() if parts else base
    if not target.is_relative_to(base):
        return None
    if target.is_dir():
        pages = sorted(target.glob("*.html"))
        return pages[0] if pages else None
    return target if target.is_file() else None


def handler(root: Path, builds: Builds) -> type[BaseHTTPRequestHandler]:
    """Return a request handler serving `root` and the build status."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            url = urlsplit(self.path)
            if url.path == STATUS:
                since = parse_qs(url.query).get("since", ["-1"])[0]
                state = builds.after(int(since) if since.lstrip("-").isdigit() else -1, WAIT)
                body = json.dumps({"generation": state.generation, "ok": not state.problems,
                                   "problems": list(state.problems)}, ensure_ascii=False).encode()
                self.send(HTTPStatus.OK, "application/json", body)
                return
            path = served_file(root, url.path)
            if path is None and url.path != "/":
                self.send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")
                return
            body = path.read_bytes() if path else EMPTY.encode()  # no good build yet: a page for the overlay
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream" if path else "text/html"
            if kind == "text/html":
                script = SCRIPT % {"generation": builds.state.generation, "status": STATUS}
                text = body.decode("utf-8")
                at = text.rfind("</body>")
                body = (text[:at] + script + text[at:] if at >= 0 else text + script).encode("utf-8")
                kind = "text/html; charset=utf-8"
            self.send(HTTPStatus.OK, kind, body)

        def send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Say nothing per request: the terminal shows builds, not traffic."""

    return Handler


def snapshot(folders: tuple[Path, ...]) -> dict[Path, tuple[int, int]]:
    """Return the modification time and size of every file below `folders`."""
    out = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            try:
                info = path.stat()
            except OSError:  # removed while we looked
                continue
            out[path] = (info.st_mtime_ns, info.st_size)
    return out


def forget() -> None:
    """Clear dlexport's in-memory caches (templates read once per process), so a changed template is read again."""
    for name, module in list(sys.modules.items()):
        if name.startswith("dlexport."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and getattr(value, "__module__", "") == name:
                    clear()


def build(opts: Options, builds: Builds, say: Callable[[str], None]) -> None:
    """Build the study page once and publish the outcome (its problems, if any)."""
    start = time.perf_counter()
    forget()
    try:
        run("cheatsheet", opts)
    except SourceError as e:
        problems = tuple(str(p) for p in e.problems)
    except OSError as e:
        problems = (f"{e.filename or opts.out}: {e.strerror or e}",)
    except Exception as e:  # a bug in a drawer or a target: say it, keep serving the last good build
        traceback.print_exc()
        problems = (f"the build failed: {type(e).__name__}: {e} (traceback in the terminal)",)
    else:
        problems = ()
    builds.publish(problems)
    if problems:
        say(f"{len(problems)} problem(s), shown on the page; the last good build stays:\n" + "\n".join(problems))
    else:
        say(f"built in {time.perf_counter() - start:.1f} s")


def changes(folders: tuple[Path, ...], stop: threading.Event) -> Iterator[None]:
    """Yield once for every change found below `folders` (saves within one look are one change)."""
    before = snapshot(folders)
    while not stop.wait(POLL):
        now = snapshot(folders)
        if now != before:
            before = now
            yield None


def serve(opts: Options, port: int = 8000, open_browser: bool = False, stop: threading.Event | None = None) -> int:
    """Build, serve opts.out on 127.0.0.1:`port`, rebuild on changes until Ctrl-C (or `stop`); return 0.

    Raises UsageError when the port can't be had.
    """
    stop = stop or threading.Event()
    builds = Builds()

    def say(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    opts.out.mkdir(parents=True, exist_ok=True)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler(opts.out, builds))
    except OSError as e:  # the port is taken, or below 1024
        raise UsageError(f"can't serve on 127.0.0.1:{port} ({e.strerror or e}); try another --port") from e
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    serving = threading.Thread(target=server.serve_forever, name="dlexport-serve", daemon=True)
    try:
        build(opts, builds, say)
        serving.start()
        say(f"serving {url} (Ctrl-C stops); watching {opts.sources} and the templates")
        if open_browser:
            webbrowser.open(url)
        for _ in changes((opts.sources, TEMPLATES), stop):
            build(opts, builds, say)
    except KeyboardInterrupt:
        pass
    finally:
        if serving.is_alive():
            server.shutdown()  # waits for serve_forever to return, so only once it runs
        server.server_close()
        say("stopped")
    return 0
