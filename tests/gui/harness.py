"""Run a scenario inside the real Anki desktop app (aqt) under Xvfb and return the JSON it reports.

A scenario is a generator function `name(mw, args, result)` in tests/gui/appsteps.py (or
`module:name` anywhere on the path): it drives the app through `mw` (the real `aqt.main.AnkiQt`),
fills the dict `result`, and yields the number of seconds to let the Qt event loop run before it
continues (web views load, timers fire). The harness starts `anki -b BASE -p PROFILE` once with an
add-on that runs the scenario on `profile_did_open`, waits for the result file and kills the app if
it hangs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, require_tool

PROFILE = "tester"

_PREPARE = """
import sys
from pathlib import Path
from aqt.profiles import ProfileManager
pm = ProfileManager(Path(sys.argv[1]))
pm.setupMeta()
pm.meta["firstRun"] = False
pm.setLang("en_US")
pm.create(sys.argv[2])
pm.load(sys.argv[2])
pm.save()
"""

# The add-on: runs the scenario generator step by step on Qt's event loop, writes the result (or
# the traceback) as JSON, then ends the process at once (no backup, no sync, no shutdown dialogs).
_ADDON = '''
import importlib, json, os, sys, traceback
from aqt import gui_hooks, mw
from aqt.qt import QTimer

ROOT, SCENARIO, RESULT, ARGS = {root!r}, {scenario!r}, {result!r}, json.loads({args!r})


def _finish(result):
    with open(RESULT + ".part", "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
    os.replace(RESULT + ".part", RESULT)
    os._exit(0)


def _step(gen, result):
    try:
        delay = next(gen)
    except StopIteration:
        return _finish(result)
    except BaseException:
        result["error"] = traceback.format_exc()
        return _finish(result)
    QTimer.singleShot(int(float(delay) * 1000), lambda: _step(gen, result))


def _start():
    result = {{}}
    try:
        sys.path.insert(0, ROOT)
        module, _, name = SCENARIO.rpartition(":")
        gen = getattr(importlib.import_module(module or "tests.gui.appsteps"), name)(mw, ARGS, result)
    except BaseException:
        result["error"] = traceback.format_exc()
        return _finish(result)
    _step(gen, result)


gui_hooks.profile_did_open.append(lambda: QTimer.singleShot(500, _start))
'''


def prepare_base(base: Path) -> Path:
    """Create an Anki base folder with one profile, English UI, no first-run wizard, software GL."""
    base.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", _PREPARE, str(base), PROFILE], check=True, timeout=120,
                   capture_output=True, env=_app_env(base))
    (base / "gldriver6").write_text("software", encoding="utf-8")
    return base


def _app_env(base: Path) -> dict[str, str]:
    return {**os.environ, "QTWEBENGINE_DISABLE_SANDBOX": "1", "QT_QPA_PLATFORM": "xcb",
            "LIBGL_ALWAYS_SOFTWARE": "1", "HOME": str(base), "ANKI_NOHIGHDPI": "1",
            "QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu"}


def run_scenario(scenario: str, base: Path, args: dict[str, Any], timeout: float = 180) -> dict[str, Any]:
    """Run the scenario `appsteps.<scenario>` (or `module:function`) inside Anki on `base`; return its result.

    Raise AssertionError with the app's output when the app hangs, crashes or the scenario raised.
    """
    xvfb = require_tool("xvfb-run")
    anki = Path(sys.executable).with_name("anki")
    result = base / "result.json"
    result.unlink(missing_ok=True)
    addon = base / "addons21" / "dlexport_gui_test"
    addon.mkdir(parents=True, exist_ok=True)
    (addon / "__init__.py").write_text(textwrap.dedent(_ADDON).format(
        root=str(ROOT), scenario=scenario, result=str(result), args=json.dumps(args)), encoding="utf-8")
    cmd = [xvfb, "-a", "-s", "-screen 0 1600x1200x24", str(anki), "-b", str(base), "-p", PROFILE]
    proc = subprocess.Popen(cmd, env=_app_env(base), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        output, _ = proc.communicate()
        raise AssertionError(f"Anki did not finish {scenario} in {timeout} s:\n{output[-4000:]}") from None
    _kill_group(proc.pid)  # Xvfb or a web engine helper that outlived the app
    if not result.exists():
        raise AssertionError(f"Anki exited ({proc.returncode}) without a result for {scenario}:\n"
                             f"{output[-4000:]}")
    data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    if "error" in data:
        raise AssertionError(f"{scenario} raised inside Anki:\n{data['error']}\n--- app output:\n"
                             f"{output[-3000:]}")
    data["_output"] = output
    return data


def _kill_group(pgid: int) -> None:
    """Kill what is left of the process group this harness started (its own session, nothing else)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
