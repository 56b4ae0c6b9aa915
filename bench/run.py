"""Benchmark `python -m dlexport all` against floors measured in the same run; print a Markdown report.

    python bench/run.py                      # the seed (sources/) and synthetic 40 and 1,000 terms
    python bench/run.py --sizes 40           # quicker
    python bench/run.py --baseline DIR       # also the seed's cold build and formulas with DIR's dlexport (before)

Every number is a whole process (wall time, exact: a thread waits in wait4; peak RSS of the main process from
wait4; the workers' peaks sampled from /proc every 50 ms) unless it says "stage". Floors are separate plain
scripts (bench/floor_*.py), independent of dlexport's pipeline. The machine may be shared: compare ratios
inside one run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write as write_sources

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
STAGE = re.compile(r"^(\w+)\s+.*?([\d.]+) s$")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    """One measured process tree: wall seconds, peak RSS (MB) of the main process and of its workers, CPU
    seconds of the whole tree, the stage lines it printed and its standard output."""

    wall: float
    rss_mb: float
    workers_mb: float  # sum over child processes of each one's peak RSS (VmHWM, last sample before it ended)
    total_mb: float  # largest sampled sum of the RSS of the main process and its children at one instant
    cpu: float
    stages: dict[str, float] = field(default_factory=dict)
    out: str = ""


def _children(pid: int) -> list[int]:
    """Return the processes whose parent is `pid` (started after it: a higher pid, barring wrap-around)."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) > pid:
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(name))
    return out


def _kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(args: list[str], tree: Path = ROOT, cwd: Path | None = None) -> Run:
    """Run one command with `tree` first on the path and return its wall time, memory, CPU and output."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(tree)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd or tempfile.gettempdir(), env=env, stdout=out, stderr=err, text=True)
        ended: list[tuple[float, int, resource.struct_rusage]] = []

        def reap() -> None:  # blocked in wait4: the end time is exact, not the next 50 ms sample's
            _, status, usage = os.wait4(proc.pid, 0)
            ended.append((time.perf_counter(), status, usage))

        reaper = threading.Thread(target=reap, daemon=True)
        reaper.start()
        peaks: dict[int, int] = {}
        total = 0
        while reaper.is_alive():
            kids = _children(proc.pid)
            for kid in kids:
                peaks[kid] = max(peaks.get(kid, 0), _kb(kid, "VmHWM"))
            total = max(total, _kb(proc.pid, "VmRSS") + sum(_kb(kid, "VmRSS") for kid in kids))
            reaper.join(0.05)
        end, status, usage = ended[0]
        wall = end - start
        out.seek(0)
        err.seek(0)
        text = out.read()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{text}\n{err.read()}")
    stages = {m[1]: float(m[2]) for line in text.splitlines() if (m := STAGE.match(line))}
    main_mb = usage.ru_maxrss / 1024
    return Run(wall, main_mb, sum(peaks.values()) / 1024, max(total / 1024, main_mb),
               usage.ru_utime + usage.ru_stime, stages, text)


def dlexport(sources: Path, out: Path, *extra: str, tree: Path = ROOT) -> Run:
    """Measure `python -m dlexport all` on `sources` into `out`."""
    return measure([PY, "-m", "dlexport", "all", "--sources", str(sources), "--out", str(out), *extra], tree)


def edit_one_term(sources: Path, figure: bool) -> None:
    """Change the first term's definition, or (figure=True) one of its figures' parameters."""
    path = sorted((sources / "terms").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    if figure:
        text, n = re.subn(r"(layers: \[|visible: |seed: |steps: )(\d+)", lambda m: f"{m[1]}{int(m[2]) + 1}", text,
                          count=1)
        assert n == 1, f"no figure parameter to edit in {path}"
    else:
        text = text.replace("definition: |\n  ", "definition: |\n  고친 문장. ", 1)
    path.write_text(text, encoding="utf-8")


def bench_glossary(label: str, sources: Path, tmp: Path, jobs: int) -> dict[str, Run]:
    """Measure a cold build, the warm no-op (median of 5) and a build after one term's text or figure edit."""
    out = tmp / f"out-{label}"
    rows = {"cold": dlexport(sources, out, "--jobs", str(jobs))}
    rows["no-op"] = sorted((dlexport(sources, out) for _ in range(5)), key=lambda r: r.wall)[2]
    edit_one_term(sources, figure=False)
    rows["text edited"] = dlexport(sources, out)
    edit_one_term(sources, figure=True)
    rows["figure edited"] = dlexport(sources, out, "--jobs", str(jobs))
    return rows


def drawing_floor(sources: Path) -> tuple[Run, dict[str, float]]:
    """The glossary's drawers called serially with plain savefig, and math_to_image for its formulas."""
    run = measure([PY, str(HERE / "floor_draw.py"), str(sources)])
    return run, json.loads(run.out)


def table(rows: list[tuple[str, Run]]) -> str:
    """Return the rows as a Markdown table."""
    lines = ["| what | wall s | main peak MB | workers' peaks MB | total MB | CPU s | stages (s) |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name, r in rows:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r.stages.items())
        lines.append(f"| {name} | {r.wall:.3f} | {r.rss_mb:.0f} | {r.workers_mb:.0f} | {r.total_mb:.0f} | "
                     f"{r.cpu:.2f} | {stages} |")
    return "\n".join(lines)


def counts(out: Path) -> dict[str, int]:
    """Return the counts a build wrote into its manifest."""
    return dict(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"])


def verdict(ok: bool) -> str:
    """Return the table's word for a target."""
    return "met" if ok else "**not met**"


def floors(tmp: Path, glossaries: dict[str, Path], big: tuple[int, Path] | None) -> tuple[dict[str, Run], dict]:
    """Measure the floors: an empty interpreter, the imports, the drawing of each glossary, formulas against
    math_to_image, and for the largest build plain genanki and python-pptx on its counts, and pandoc on its deck."""
    runs = {"python -c pass": measure([PY, "-c", "pass"]),
            "import the libraries a cold build needs": measure(
                [PY, "-c", "import matplotlib.figure, matplotlib.backends.backend_agg, pptx, genanki, jinja2, yaml"])}
    facts: dict[str, object] = {}
    for label, sources in glossaries.items():
        run, seconds = drawing_floor(sources)
        runs[f"{label}: drawers serially + plain savefig; math_to_image"] = run
        facts[f"draw {label}"] = seconds
    run = measure([PY, str(HERE / "formulas.py"), str(glossaries["seed"]), "2"])
    runs["formulas: ours vs math_to_image, interleaved"] = run
    facts["formulas"] = json.loads(run.out)
    if big:
        n, out = big
        made, media = counts(out), out / "figures"
        runs[f"plain genanki, {n} terms"] = measure([PY, str(HERE / "floor_genanki.py"), str(n), str(media),
                                                     str(tmp / "f.apkg")])
        slides = made["slides"]
        runs[f"plain python-pptx, {slides} pictured slides"] = measure(
            [PY, str(HERE / "floor_pptx.py"), str(slides), str(media), str(tmp / "f.pptx")])
        facts["slides"] = slides
        if shutil.which("pandoc"):  # the build's own deck, written by pandoc from Markdown: only pandoc is timed
            run = measure([PY, str(HERE / "floor_pandoc.py"), str(next(out.glob("*.pptx"))), str(tmp / "pandoc")])
            runs[f"pandoc on the same {slides} slides (script: read the deck, write Markdown, run pandoc)"] = run
            facts["pandoc"] = json.loads(run.out)
    return runs, facts


def targets(results: dict[str, dict[str, Run]], runs: dict[str, Run], facts: dict, cores: int) -> list[str]:
    """Return the issue's target table, each row next to its floor and its ratio to it."""
    imports = runs["import the libraries a cold build needs"].wall
    rows = []

    def cold_row(name: str, now: str, label: str, seconds: float | None) -> None:
        cold = results[label]["cold"].wall
        drawing = facts[f"draw {label}"]["figures"] + facts[f"draw {label}"]["formulas"]
        floor = imports + drawing / cores
        ok = cold <= 1.25 * floor and (seconds is None or cold <= seconds)
        target = (f"≤ {seconds} s and " if seconds else "") + "≤ 1.25 × floor"
        cpu = results[label]["cold"].cpu
        floor_cpu = runs[f"{label}: drawers serially + plain savefig; math_to_image"].cpu
        rows.append(f"| {name} | {now} | {target} | {cold:.2f} s wall, {cpu:.1f} s CPU | {floor:.2f} s = imports "
                    f"{imports:.2f} + drawing {drawing:.2f} ÷ {cores}; overhead {cold - floor:+.2f} s. CPU of the "
                    f"plain script (imports, drawing): {floor_cpu:.1f} s | {cold / floor:.2f} × wall, "
                    f"{cpu / floor_cpu:.2f} × CPU | {verdict(ok)} |")

    cold_row("seed (40 terms) cold build, wall", "5.1 s (8 terms)", "seed", 2.5)
    if "40 terms" in results:
        cold_row("40-term synthetic glossary cold build", "—", "40 terms", None)
    empty = runs["python -c pass"].wall
    seed = results["seed"]
    rows.append(f"| seed, one term's text edited | 0.7 s | ≤ 0.4 s | {seed['text edited'].wall:.2f} s | no-op "
                f"{seed['no-op'].wall:.3f} s | {seed['text edited'].wall / seed['no-op'].wall:.1f} × the no-op | "
                f"{verdict(seed['text edited'].wall <= 0.4)} |")
    big = results.get("1000 terms")
    if big:
        for what, now, limit in (("text edited", "14.9 s", 3.0), ("figure edited", "14.3 s", 4.0)):
            r = big[what]
            rows.append(f"| 1,000 terms, one term's {what.replace('edited', '')}edited | {now} | ≤ {limit:g} s | "
                        f"{r.wall:.2f} s | no-op {big['no-op'].wall:.3f} s | {r.wall / big['no-op'].wall:.0f} × the "
                        f"no-op | {verdict(r.wall <= limit)} |")
        slides = big["cold"].stages.get("slides", 0.0)
        plain = runs[f"plain python-pptx, {facts['slides']} pictured slides"].wall
        pandoc = facts.get("pandoc")
        versus = f"`pandoc -o` {pandoc['seconds']:.2f} s on the same slides, pictures and notes → " \
            f"{pandoc['seconds'] / slides:.1f} × our stage" if pandoc else \
            "pandoc is not installed (`which pandoc` finds nothing): the pandoc ratio is not measured"
        rows.append(f"| 1,000 terms, .pptx stage cold | 5.0–6.6 s | ≤ 3 s and ≥ 5 × faster than pandoc | "
                    f"{slides:.2f} s | plain python-pptx {plain:.2f} s for the same {facts['slides']} slides; "
                    f"{versus} | {slides / plain:.2f} × plain python-pptx | "
                    f"{verdict(slides <= 3 and pandoc is not None and pandoc['seconds'] >= 5 * slides)} |")
        noop = big["no-op"].wall
        rows.append(f"| 1,000 terms, warm no-op | 0.21 s | ≤ 0.15 s | {noop:.3f} s | python -c pass {empty:.3f} s | "
                    f"{noop / empty:.1f} × | {verdict(noop <= 0.15)} |")
    f = facts["formulas"]
    rows.append(f"| formula image | 61 ms | ≤ 1.2 × math_to_image | {f['dlexport_ms']:.0f} ms (median of "
                f"{f['formulas']} × 2) | math_to_image {f['math_to_image_ms']:.0f} ms | {f['ratio_of_sums']:.2f} × "
                f"(sum over all) | {verdict(f['ratio_of_sums'] <= 1.2)} |")
    if big:
        c = big["cold"]
        rows.append(f"| 1,000 terms, peak memory, main + workers | main 388 MB | ≤ 600 MB total | largest sampled "
                    f"sum at one instant {c.total_mb:.0f} MB (main's own peak {c.rss_mb:.0f} MB, after the workers "
                    f"ended; each worker's peak added up, at different times: {c.workers_mb:.0f} MB) | — | — | "
                    f"{verdict(c.total_mb <= 600)} |")
        g = runs["plain genanki, 1000 terms"].wall  # the largest size is 1,000 here
        anki = c.stages.get("anki", 0.0)
        rows.append(f"| 1,000 terms, .apkg stage (earlier target ≤ 1.3 × plain genanki) | 1.22 s | ≤ 1.3 × | "
                    f"{anki:.2f} s | plain genanki {g:.2f} s (whole process) | {anki / g:.2f} × | "
                    f"{verdict(anki <= 1.3 * g)} |")
    return ["| what | issue's \"now\" | target | measured | floor (same run) | ratio | |",
            "|---|---|---|---|---|---|---|", *rows]


def main() -> None:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="40,1000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline", type=Path, help="a checkout whose dlexport/ is the 'before'")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    tmp = Path(tempfile.mkdtemp(prefix="dlexport-bench-"))
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    try:
        glossaries = {"seed": tmp / "seed"}
        shutil.copytree(ROOT / "sources", glossaries["seed"])
        glossaries.update({f"{n} terms": write_sources(tmp / f"syn{n}", n) for n in sizes})
        pristine = {k: tmp / f"pristine-{i}" for i, k in enumerate(glossaries)}
        for k, src in glossaries.items():
            shutil.copytree(src, pristine[k])  # the edits change the sources; the floors draw the unedited ones
        results = {label: bench_glossary(label, src, tmp, args.jobs) for label, src in glossaries.items()}
        big = (max(sizes), tmp / f"out-{max(sizes)} terms") if sizes else None
        drawn = {k: pristine[k] for k in glossaries if k == "seed" or int(k.split()[0]) <= 100}  # 1,000: minutes
        runs, facts = floors(tmp, drawn, big)
        before = {}
        if args.baseline:
            before["seed cold build"] = dlexport(pristine["seed"], tmp / "out-before", "--jobs", str(args.jobs),
                                                 tree=args.baseline)
            before["formulas"] = measure([PY, str(HERE / "formulas.py"), str(pristine["seed"]), "2"],
                                         tree=args.baseline)
        print(f"## dlexport benchmark — {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
              f"Python {sys.version.split()[0]}\n\n`uptime` at the start: {load}  \n`uptime` at the end: "
              f"{subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}\n")
        print("### Targets\n")
        print("\n".join(targets(results, runs, facts, args.jobs)))
        print("\n### Builds\n")
        print(table([(f"{label}: {what}", r) for label, rs in results.items() for what, r in rs.items()]))
        print("\n### Floors, measured in the same run\n")
        print(table(list(runs.items())))
        for label in glossaries:
            if f"draw {label}" in facts:
                d = facts[f"draw {label}"]
                print(f"\n- {label}: drawing floor {d['figures']:.2f} s for {d['figure_count']} figure images "
                      "(layouts included) + "
                      f"{d['formulas']:.2f} s for {d['formula_count']} formulas (imports and loading excluded)",
                      end="")
        print()
        if before:
            b, a = before["seed cold build"], results["seed"]["cold"]
            fb, fa = json.loads(before["formulas"].out), facts["formulas"]
            print(f"\n### Before ({args.baseline}) and after, same run\n\n"
                  f"- seed cold build: wall {b.wall:.2f} → {a.wall:.2f} s ({b.wall / a.wall:.2f} × faster), "
                  f"CPU {b.cpu:.2f} → {a.cpu:.2f} s ({b.cpu / a.cpu:.2f} ×), figures stage "
                  f"{b.stages.get('figures', 0):.2f} → {a.stages.get('figures', 0):.2f} s\n"
                  f"- formula image: {fb['dlexport_ms']:.0f} → {fa['dlexport_ms']:.0f} ms; against math_to_image "
                  f"{fb['ratio_of_sums']:.2f} × → {fa['ratio_of_sums']:.2f} ×")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
