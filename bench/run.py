"""Benchmark `python -m dlexport all` against the floors measured in the same run; print a Markdown report.

    python bench/run.py                 # seed + synthetic 8, 100 and 1,000 terms (≈ 10 min on 2 cores)
    python bench/run.py --sizes 8,100   # quicker

Every number is a whole process (wall time, peak RSS of the main process) unless it says "stage".
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write as write_sources

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
STAGE = re.compile(r"^(\w+)\s+.*?([\d.]+) s$")


@dataclass
class Run:
    """One measured process: wall seconds, peak RSS of the main process (MB), CPU of it and its children."""

    wall: float
    rss_mb: float
    cpu: float
    stages: dict[str, float]


def measure(args: list[str], cwd: Path = ROOT) -> Run:
    """Run one command and return its wall time, peak memory, CPU time and the stage lines it printed."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out}\n{err}")
    stages = {m[1]: float(m[2]) for line in out.splitlines() if (m := STAGE.match(line))}
    return Run(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, stages)


def dlexport(sources: Path, out: Path, *extra: str) -> Run:
    """Measure `python -m dlexport all` on `sources` into `out`."""
    return measure([PY, "-m", "dlexport", "all", "--sources", str(sources), "--out", str(out), *extra])


def cpu_of_children(fn: object) -> float:
    """Return the CPU seconds the children started by `fn()` used (figure workers included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    fn()  # type: ignore[operator]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


HERE = Path(__file__).resolve().parent


def floors(n: int, media: Path, tmp: Path) -> dict[str, Run]:
    """Measure the floors: an empty interpreter, the imports, plain genanki and plain python-pptx."""
    out = {
        "python -c pass": measure([PY, "-c", "pass"]),
        "import matplotlib + pyplot": measure([PY, "-c", "import matplotlib, matplotlib.pyplot"]),
        "import the five libraries": measure([PY, "-c", "import matplotlib.pyplot, pptx, genanki, jinja2, yaml"]),
        f"plain genanki, {n} terms": measure([PY, str(HERE / "floor_genanki.py"), str(n), str(media),
                                              str(tmp / "f.apkg")]),
        f"plain python-pptx, {n} pictured slides": measure([PY, str(HERE / "floor_pptx.py"), str(n), str(media),
                                                           str(tmp / "f.pptx")]),
    }
    if shutil.which("pandoc"):
        md = tmp / "deck.md"
        pics = sorted(media.glob("*.png"))
        md.write_text("".join(f"# 용어 {i}\n\n- 핵심 요점\n- 핵심 요점\n\n![그림]({pics[i % len(pics)]})\n\n"
                              for i in range(n)), encoding="utf-8")
        out[f"pandoc, {n} pictured slides"] = measure(["pandoc", str(md), "-o", str(tmp / "p.pptx")])
    return out


def edit_one_term(sources: Path, figure: bool) -> None:
    """Change the first term's definition, or (figure=True) one of its figure's parameters."""
    path = sorted((sources / "terms").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    if figure:
        text, n = re.subn(r"(layers: \[|visible: |seed: |steps: )(\d+)", lambda m: f"{m[1]}{int(m[2]) + 1}", text,
                          count=1)
        assert n == 1, f"no figure parameter to edit in {path}"
    else:
        text = text.replace("definition: |\n  ", "definition: |\n  고친 문장. ", 1)
    path.write_text(text, encoding="utf-8")


def bench_size(label: str, sources: Path, tmp: Path, jobs: int, serial_too: bool) -> list[tuple[str, Run]]:
    """Measure cold, warm no-op and one-term-edited builds of one glossary (and a serial cold build)."""
    out = tmp / f"out-{label}"
    rows = []
    holder: dict[str, Run] = {}
    cpu = cpu_of_children(lambda: holder.__setitem__("r", dlexport(sources, out, "--jobs", str(jobs))))
    cold = holder["r"]
    cold.cpu = cpu
    rows.append((f"{label}: cold build (--jobs {jobs})", cold))
    noops = sorted((dlexport(sources, out) for _ in range(5)), key=lambda r: r.wall)
    rows.append((f"{label}: warm no-op (median of 5)", noops[2]))
    edit_one_term(sources, figure=False)
    rows.append((f"{label}: one term's text edited", dlexport(sources, out)))
    edit_one_term(sources, figure=True)
    rows.append((f"{label}: one term's figure edited", dlexport(sources, out)))
    if serial_too:
        rows.append((f"{label}: cold build (--jobs 1)", dlexport(sources, tmp / f"serial-{label}", "--jobs", "1")))
    return rows


def table(rows: list[tuple[str, Run]]) -> str:
    """Return the rows as a Markdown table."""
    lines = ["| what | wall s | peak RSS MB | CPU s (with workers) | stages (s) |", "|---|---:|---:|---:|---|"]
    for name, r in rows:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r.stages.items())
        lines.append(f"| {name} | {r.wall:.3f} | {r.rss_mb:.0f} | {r.cpu:.2f} | {stages} |")
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="8,100,1000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    tmp = Path(tempfile.mkdtemp(prefix="dlexport-bench-"))
    try:
        rows: list[tuple[str, Run]] = []
        seed = tmp / "seed"
        shutil.copytree(ROOT / "sources", seed)
        rows += bench_size("seed (8 terms)", seed, tmp, args.jobs, serial_too=True)
        for n in sizes:
            rows += bench_size(f"{n} terms", write_sources(tmp / f"syn{n}", n), tmp, args.jobs,
                               serial_too=n >= 100)
        media = tmp / f"out-{max(sizes, default=8)} terms" / "figures"
        floor = floors(max(sizes, default=8), media, tmp)
        print(f"## dlexport benchmark — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
              f"Python {sys.version.split()[0]}\n")
        print(table(rows))
        print("\n### Floors, measured in the same run\n")
        print(table(list(floor.items())))
        print("\n### Ratios\n")
        imp = floor["import the five libraries"].wall
        seed_cold = rows[0][1]
        figure_cpu = seed_cold.cpu
        budget = 1.3 * (imp + figure_cpu / args.jobs)
        print(textwrap.dedent(f"""\
            - seed cold build: {seed_cold.wall:.2f} s; target 1.3 × (imports {imp:.2f} s + CPU {figure_cpu:.2f} s
              ÷ {args.jobs} cores) = {budget:.2f} s → {'met' if seed_cold.wall <= budget else 'NOT met'}
            - seed warm no-op: {rows[1][1].wall:.3f} s (target ≤ 0.10 s); importing matplotlib takes
              {floor['import matplotlib + pyplot'].wall:.3f} s, {floor['import matplotlib + pyplot'].wall
              / rows[1][1].wall:.1f} × the no-op
            - seed one term edited: text {rows[2][1].wall:.2f} s, figure {rows[3][1].wall:.2f} s (target ≤ 1.0 s)"""))
        for n in sizes:
            by = dict(rows)
            par = by.get(f"{n} terms: cold build (--jobs {args.jobs})")
            ser = by.get(f"{n} terms: cold build (--jobs 1)")
            if par and ser and "figures" in par.stages:
                print(f"- {n} terms: figures serial {ser.stages['figures']:.1f} s / parallel "
                      f"{par.stages['figures']:.1f} s = {ser.stages['figures'] / par.stages['figures']:.2f} ×")
            if par:
                g = floor.get(f"plain genanki, {n} terms")
                p = floor.get(f"plain python-pptx, {n} pictured slides")
                pan = floor.get(f"pandoc, {n} pictured slides")
                if g:
                    print(f"- {n} terms: anki stage {par.stages.get('anki', 0):.2f} s vs plain genanki process "
                          f"{g.wall:.2f} s ({par.stages.get('anki', 0) / g.wall:.2f} ×)")
                if p:
                    print(f"- {n} terms: slides stage {par.stages.get('slides', 0):.2f} s vs plain python-pptx "
                          f"process {p.wall:.2f} s" + (f", pandoc {pan.wall:.2f} s" if pan else ""))
                print(f"- {n} terms: peak RSS of the main process {par.rss_mb:.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
