"""Problems in the form the reader wants: `file:line:col` lines, GitHub workflow annotations, or JSON."""

from __future__ import annotations

from collections.abc import Sequence

from dlexport.errors import Problem, shown

FORMATS = ("human", "github", "json")


def _escape(text: str, is_property: bool = False) -> str:
    """Escape text for a GitHub workflow command (the message, or a `key=value` property)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


def _said(problem: Problem) -> str:
    """Return a problem's message with its fix, as the human form says it."""
    return f"{problem.message} — {problem.fix}" if problem.fix else problem.message


def annotation(problem: Problem, severity: str) -> str:
    """Return one GitHub workflow command, e.g. `::error file=a.yaml,line=3,col=1::…`."""
    where = ",".join(f"{k}={_escape(v, is_property=True)}" for k, v in
                     (("file", shown(problem.path)), ("line", str(problem.line)), ("col", str(problem.column))))
    return f"::{severity} {where}::{_escape(_said(problem))}"


def record(problem: Problem, severity: str) -> dict[str, object]:
    """Return one problem as a JSON object: file, line, col, severity, message, fix."""
    return {"file": shown(problem.path), "line": problem.line, "col": problem.column, "severity": severity,
            "message": problem.message, "fix": problem.fix}


def render(errors: Sequence[Problem], warnings: Sequence[Problem], form: str) -> str:
    """Return every problem in `form` (one of FORMATS), errors first; "" when there is nothing to say."""
    tagged = [(p, "error") for p in errors] + [(p, "warning") for p in warnings]
    if form == "json":
        import json  # only here: `check` in the human form stays on the quick path

        return json.dumps([record(p, s) for p, s in tagged], ensure_ascii=False, indent=1)
    if form == "github":
        return "\n".join(annotation(p, s) for p, s in tagged)
    return "\n".join(str(p) if s == "error" else f"warning: {p}" for p, s in tagged)
