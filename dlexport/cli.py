"""The command line: parse arguments, run the pipeline, turn user mistakes into one clear message each."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dlexport import __version__, targets
from dlexport.errors import Problem, SourceError, UsageError, shown
from dlexport.pipeline import Options, chosen, run
from dlexport.report import FORMATS, render

# The commands that are not targets; every target in the registry adds its own.
COMMANDS = {
    "all": "모든 출력 만들기 — build every output (figures, every target, manifest)",
    "check": "소스 검사만 — validate sources/ and print a one-line summary",
    "diagrams": "그림만 — render the figures and a contact sheet",
}


def commands() -> dict[str, str]:
    """Return every subcommand with its help: the fixed ones, then one per registered target."""
    return {**COMMANDS, **{t.name: t.help for t in targets.TARGETS}}


def parser() -> argparse.ArgumentParser:
    """Return the argument parser for `python -m dlexport`."""
    p = argparse.ArgumentParser(
        prog="dlexport",
        description="한국어 딥러닝 용어집(sources/)으로 Anki 덱(.apkg)과 강의 슬라이드(.pptx)를 만듭니다.\n"
                    "Builds an Anki deck, a PowerPoint lecture deck and a cheatsheet from a Korean glossary.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 ok, 1 content error (file:line:col: message), 2 usage error",
    )
    p.add_argument("--version", action="version", version=f"dlexport {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in commands().items():
        c = sub.add_parser(name, help=text, description=text)
        c.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR",
                       help="source folder (default: sources/)")
        c.add_argument("--out", type=Path, default=Path("build"), metavar="DIR",
                       help="output folder (default: build/)")
        c.add_argument("--cache", type=Path, default=None, metavar="DIR",
                       help="figure cache (default: OUT/.cache; safe to delete)")
        c.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="processes for rendering figures (default: number of cores)")
        if name in ("check", "all"):
            c.add_argument("--strict", action="store_true",
                           help="treat warnings (avoided words, TODO text) as errors")
        if name == "check":
            c.add_argument("--format", choices=FORMATS, default="human",
                           help="human: file:line:col lines (default); github: workflow annotations; "
                                "json: a list of {file, line, col, severity, message, fix} on stdout")
        for option in targets.options(chosen(name)):
            if option.is_flag:
                c.add_argument(option.flag, dest=option.dest, action="store_true", help=option.help)
            else:
                c.add_argument(option.flag, dest=option.dest, type=Path if option.is_file else str, default=None,
                               metavar=option.metavar, choices=option.choices or None, help=option.help)
        loud = c.add_mutually_exclusive_group()
        loud.add_argument("--quiet", "-q", action="store_true", help="print only errors")
        loud.add_argument("--verbose", "-v", action="store_true",
                          help="say which slide layouts were chosen; add a traceback to file-system errors")
    authoring(sub)
    return p


def authoring(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the commands that help write sources (they build nothing themselves)."""
    text = "새 용어 파일 — write sources/terms/NN-ID.yaml with every key and TODO text to replace"
    c = sub.add_parser("new", help=text, description=text)
    c.add_argument("term_id", metavar="TERM-ID", help="the new term's id, e.g. `weight-decay`")
    c.add_argument("--section", required=True, metavar="ID", help="a section id from glossary.yaml")
    c.add_argument("--ko", default=None, help="the Korean name (default: TODO text)")
    c.add_argument("--en", default=None, help="the English name (default: TODO text)")
    c.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR",
                   help="source folder (default: sources/)")
    text = "미리보기 — build the study page, serve it on 127.0.0.1, rebuild and reload on every save"
    c = sub.add_parser("serve", help=text, description=text)
    c.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    c.add_argument("--open", action="store_true", help="open the page in the default browser")
    c.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR",
                   help="source folder (default: sources/)")
    c.add_argument("--out", type=Path, default=Path("build"), metavar="DIR", help="output folder (default: build/)")
    c.add_argument("--cache", type=Path, default=None, metavar="DIR",
                   help="figure cache (default: OUT/.cache; safe to delete)")
    text = "편집기용 JSON Schema — write sources/schema/*.schema.json (completion and checks as you type)"
    c = sub.add_parser("schema", help=text, description=text)
    c.add_argument("--sources", type=Path, default=Path("sources"), metavar="DIR",
                   help="source folder (default: sources/)")


def report(sources: Path, strict: bool, form: str) -> int:
    """Run `check --format github|json`: every problem in that form on stdout; exit 1 when any is an error."""
    from dlexport.load import load

    errors: tuple[Problem, ...] = ()
    try:
        warnings = load(sources).warnings
    except SourceError as e:
        errors, warnings = e.problems, ()
    if strict:
        errors, warnings = errors + warnings, ()
    text = render(errors, warnings, form)
    if text or form == "json":
        print(text)
    print(f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
          f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}", file=sys.stderr)
    return 1 if errors else 0


def writing(args: argparse.Namespace) -> int:
    """Run a command that helps write sources: serve, schema, new, or check in another form; return its exit code."""
    if args.command == "check":
        return report(args.sources, args.strict, args.format)
    try:
        if args.command == "serve":
            from dlexport.serve import serve
            return serve(Options(sources=args.sources, out=args.out, cache=args.cache, quiet=True), args.port,
                         args.open)
        if args.command == "schema":
            from dlexport.schema import write
            for path in write(args.sources):
                print(shown(path))
        else:
            from dlexport.scaffold import create
            print(shown(create(args.sources, args.term_id, args.section, args.ko, args.en)))
    except UsageError as e:
        print(f"dlexport: {e}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = parser().parse_args(argv)
    if args.command in ("serve", "schema", "new") or (args.command == "check" and args.format != "human"):
        return writing(args)
    try:
        if args.jobs is not None and args.jobs < 1:
            raise UsageError("--jobs must be 1 or more")
        given = {o.dest: getattr(args, o.dest) for o in targets.options(chosen(args.command))
                 if getattr(args, o.dest) not in (None, False)}
        for option in targets.options(chosen(args.command)):
            value = given.get(option.dest)
            if option.is_file and isinstance(value, Path) and not value.is_file():
                raise UsageError(f"{option.flag} {value}: no such file")
        opts = Options(sources=args.sources, out=args.out, cache=args.cache, jobs=args.jobs,
                       options=given, quiet=args.quiet, strict=getattr(args, "strict", False),
                       verbose=args.verbose)
        run(args.command, opts)
    except SourceError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        n = len(e.problems)
        print(f"{n} error{'s' if n != 1 else ''}; nothing was written.", file=sys.stderr)
        return 1
    except UsageError as e:
        print(f"dlexport: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # unwritable --out, full disk, …
        if args.verbose:
            import traceback  # only here: not on the no-op path

            traceback.print_exc()
        name = e.filename2 or e.filename  # os.replace(staged, dest) fails on dest, its second name
        where = shown(Path(os.fsdecode(name))) if name else str(args.out)
        if isinstance(e, IsADirectoryError):
            what, fix = "a folder is in the way of an output", "move or rename that folder"
        elif isinstance(e, FileExistsError):
            what, fix = "is a file, not a folder", "give --out a folder"
        else:
            what, fix = str(e.strerror or e), "check that the folder exists and is writable"
        print(f"{where}: {what} — {fix}; earlier outputs were left as they were.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; earlier outputs were left as they were.", file=sys.stderr)
        return 130
    return 0
