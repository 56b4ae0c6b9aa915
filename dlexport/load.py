"""Read `sources/` into one frozen Glossary, or raise SourceError listing every mistake with file:line:col.

This is the only module that opens `sources/`. YAML is composed into nodes (which carry their
line and column) and read against a strict schema: unknown keys, missing keys and wrong types
are all reported, with a "did you mean" for near misses.
"""

from __future__ import annotations

import copyreg
import difflib
import hashlib
import io
import os
import pickle
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

import yaml

from dlexport import shapes
from dlexport.cards import has_hidden
from dlexport.diagrams import KINDS, FileProblem, Param, resolve_file
from dlexport.errors import Problem, SourceError
from dlexport.memo import Memo, code
from dlexport.memo import key as memo_key
from dlexport.model import Credit, Figure, Formula, Glossary, Reference, Section, Term
from dlexport.vocabulary import FILE as VOCABULARY_FILE
from dlexport.vocabulary import Word, scan

GLOSSARY_FILE = "glossary.yaml"
TERMS_DIR = "terms"
SLUG = re.compile(shapes.SLUG)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")  # no output format can hold these
MAX_ID = shapes.MAX_ID
MAX_NAME = 100  # bytes of UTF-8 in `name`, the output files' stem
TODO = re.compile(r"\bTODO\b")  # what `dlexport new` leaves where content belongs; a warning
TEXT_KEYS = {"ko", "en", "abbr", "summary", "definition", "key_points", "label", "caption", "alt", "cloze"}
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
T = TypeVar("T")
Where = tuple[int, int]  # 1-based line and column in a source file


class Text(NamedTuple):
    """A text of a term that a reader sees: the term's key it is under, and its span in the file's text."""

    key: str
    value: str
    start: int
    end: int


class TermFile(NamedTuple):
    """One term file read on its own: its term (None when unreadable), its own problems, and where the parts
    the glossary-wide checks point at are written. Plain data without YAML nodes: a build keeps it in the
    cache folder, keyed by the file's bytes, and reads only the files that changed (see `load`)."""

    term: Term | None
    problems: tuple[Problem, ...]
    places: Mapping[str, Where]  # where the values of `id`, `en` and `section` are written
    cloze: tuple[Where, ...] = ()  # each item of `cloze`
    related: tuple[tuple[str | None, Where], ...] = ()  # each item of `related` (its text; None if not a scalar)
    figures: tuple[Where, ...] = ()  # each item of `figures`
    texts: tuple[Text, ...] = ()  # the texts the vocabulary check reads
    todo: tuple[Problem, ...] = ()  # warnings: texts still holding TODO
    files: tuple[tuple[str, str, str, Where], ...] = ()  # (kind, parameter, value, where): checked every load


class _File:
    """Reads one YAML file's nodes against a schema, collecting problems instead of stopping."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.files: list[tuple[str, str, str, Where]] = []  # file parameters: they name other files

    def error(self, node: yaml.Node | None, message: str, fix: str = "") -> None:
        """Record a problem at `node` (or at the top of the file)."""
        self.problems.append(Problem(self.path, *_where(node), message, fix))

    def mapping(self, node: yaml.Node, required: tuple[str, ...], optional: tuple[str, ...],
                what: str) -> dict[str, yaml.Node] | None:
        """Return a mapping's values by key, reporting unknown, duplicate and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of `key: value` lines, not {_kind(node)}",
                       f"write it as keys: {', '.join(required)}")
            return None
        known = required + optional
        out: dict[str, yaml.Node] = {}
        misspelt: set[str] = set()
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                fix = f"did you mean `{close[0]}`?" if close else f"allowed keys: {', '.join(known)}"
                self.error(key_node, f"unknown key `{key}` in {what}", fix)
                misspelt.update(close)
            elif key in out:
                self.error(key_node, f"key `{key}` appears twice in {what}", "keep only one of them")
            else:
                out[key] = value
        for key in required:
            if key not in out and key not in misspelt:  # "did you mean" already said it
                self.error(node, f"{what} is missing the required key `{key}`", f"add `{key}: …`")
        return out

    def record(self, node: yaml.Node, name: str) -> dict[str, yaml.Node] | None:
        """Return the values by key of the record `name` in shapes.RECORDS (see `mapping`)."""
        record = shapes.RECORDS[name]
        return self.mapping(node, *record.keys, record.what)

    def scalar(self, node: yaml.Node, kind: type[T], what: str) -> T | None:
        """Return a scalar of type `kind` (str, int, float or bool), or record why it isn't one."""
        if isinstance(node, yaml.ScalarNode):
            try:
                value = _construct(node)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as e:  # `!!int abc`, `!foo x`
                reason = str(getattr(e, "problem", None) or e).split("\n")[0]
                self.error(node, f"{what} `{node.value}` can't be read as {_kind(node)} ({reason})",
                           "quote it to write it as text, and remove any `!tag` before it")
                return None
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
                self.error(node, f"{what} must be text, not a number", f"quote it: \"{node.value}\"")
                return None
            if isinstance(value, str) and kind is str and not value.strip():
                self.error(node, f"{what} is empty", "write some text or remove the key if optional")
                return None
            if isinstance(value, str) and (bad := CONTROL.search(value)):
                self.error(node, f"{what} contains the invisible character U+{ord(bad[0]):04X}",
                           "delete it (it often comes with text pasted from a PDF or a terminal)")
                return None
            if type(value) is kind:
                return value
        self.error(node, f"{what} must be {_NAMES[kind]}, not {_kind(node)}", _FIXES[kind])
        return None

    def text(self, node: yaml.Node | None, what: str, default: str | None = None) -> str:
        """Return non-empty text (or the default when the key is absent)."""
        if node is None:
            return default or ""
        return self.scalar(node, str, what) or ""

    def optional_text(self, node: yaml.Node | None, what: str) -> str:
        """Return text that may be absent, empty or null (then "")."""
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value == ""):
            return ""
        return self.text(node, what)

    def slug(self, node: yaml.Node | None, what: str) -> str:
        """Return an id made of lowercase letters, digits and single hyphens."""
        value = self.text(node, what)
        if value and not SLUG.match(value):
            self.error(node, f"{what} `{value}` is not a valid id",
                       "use lowercase ASCII letters, digits and single hyphens, e.g. `vanishing-gradient`")
        elif len(value) > MAX_ID:
            self.error(node, f"{what} is {len(value)} characters long", f"shorten it to {MAX_ID} at most")
        return value

    def items(self, node: yaml.Node | None, what: str) -> Iterator[yaml.Node]:
        """Yield the nodes of a list (nothing when the key is absent)."""
        if node is None:
            return
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list (lines starting with `- `), not {_kind(node)}",
                       "write each item on its own line starting with `- `")
            return
        yield from node.value

    def texts(self, node: yaml.Node | None, what: str) -> tuple[str, ...]:
        """Return a list of non-empty texts."""
        return tuple(v for v in (self.text(n, f"an item of {what}") for n in self.items(node, what)) if v)

    def records(self, node: yaml.Node | None, what: str, read: Callable[[yaml.Node], T | None]) \
            -> tuple[T, ...]:
        """Return a list of records, each read by `read`."""
        return tuple(r for r in (read(n) for n in self.items(node, what)) if r is not None)


_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
_FIXES = {str: "write the text after the colon (quote it if it starts with a special character)",
          int: "write a whole number such as 2010", float: "write a number such as 0.5",
          bool: "write true or false"}


def _construct(node: yaml.Node) -> Any:
    """Return the Python value of a node (scalars, lists and mappings)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == _STR:
        return node.value  # most values: text needs no constructor
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _where(node: yaml.Node | None) -> Where:
    """Return where `node` starts (the top of the file when there is no node)."""
    return (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)


def _nodes(node: yaml.Node | None) -> list[yaml.Node]:
    """Return a list node's items, or nothing (whatever is wrong with it was reported when it was read)."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = node.tag.removeprefix(_TAG)
    return {"str": "text", "int": "a number", "float": "a number", "bool": "true/false",
            "null": "empty"}.get(tag, tag)


def _compose(path: Path, problems: list[Problem], raw: bytes | None = None) -> yaml.Node | None:
    """Return the YAML node tree of one file (whose bytes are `raw`, when read already), or None after recording
    why it can't be read."""
    raw = path.read_bytes() if raw is None else raw
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        problems.append(Problem(path, line, column, f"byte 0x{raw[e.start]:02x} is not UTF-8",
                                "save the file as UTF-8 (your editor's 'Save with encoding')"))
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark, start = e.problem_mark or e.context_mark, e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        where = f" ({e.context} at line {start.line + 1})" if e.problem and e.context and start and \
            start.line + 1 != line else ""
        problems.append(Problem(path, line, col, f"YAML syntax error: {e.problem or e.context}{where}",
                                "check indentation, colons and quotes on this line and the one above"))
        return None
    except yaml.reader.ReaderError as e:  # a control character; its offset differs between loaders
        char = chr(e.character) if isinstance(e.character, int) else str(e.character)
        head = text[: max(text.find(char), 0)]
        line, col = head.count("\n") + 1, len(head) - (head.rfind("\n") + 1) + 1
        problems.append(Problem(path, line, col, f"character U+{ord(char[:1] or '?'):04X} is not allowed in YAML",
                                "delete it (most editors don't show it), or write it as an escape in \"quotes\""))
        return None
    if node is None:
        problems.append(Problem(path, 1, 1, "file is empty", "write the keys it needs, or delete it"))
    return node


class _Reader:
    """Reads every source file of one sources/ tree into a Glossary."""

    def __init__(self, root: Path, memo: Memo | None = None) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.memo = memo  # each term file's TermFile by its bytes (None: read every file)
        self.keys: dict[str, str] = {}  # each term file's memo key (its path and bytes), by path
        self.folders: dict[Path, bool] = {}  # whether a folder lies inside the sources directory
        self.kept_texts: dict[str, bytes] = {}  # each term file's texts, pickled, by path

    def glossary(self) -> Glossary:
        """Return the whole validated glossary, or raise SourceError with every problem found."""
        if not self.root.is_dir():
            raise SourceError.one(self.root, "sources directory does not exist",
                                  "pass an existing directory with --sources")
        head = self.root / GLOSSARY_FILE
        if not head.is_file():
            raise SourceError.one(head, "glossary file is missing",
                                  f"create {GLOSSARY_FILE} with id, name, title, … and sections")
        if not self.inside(head):
            raise SourceError(self.problems)
        info = self.read_head(head)
        files = [p for p in self.term_files() if self.inside(p)]
        if not files:
            self.problems.append(Problem(self.root / TERMS_DIR, 1, 1, "no term files found",
                                         f"add one YAML file per term under {TERMS_DIR}/"))
        terms = self.read_terms(files)
        try:
            # A file that could not be read at all may hold any id: "related term does not exist" elsewhere
            # would then only repeat its one mistake (fixing it shows any real ones on the next run).
            self.check_links(terms, info, every_file_read=len(terms) == len(files))
            words = self.read_vocabulary()
            if self.problems or info is None:
                raise SourceError(self.problems)
            sections = tuple(Section(s["id"], s["ko"], s["en"],
                                     tuple(t.term for t in terms if t.term and t.term.section == s["id"]))
                             for s in info.pop("sections"))
            return Glossary(sections=sections, warnings=self.warnings(terms, words), **info)
        finally:
            if self.memo is not None:
                self.memo.save()  # also after a failure: the next load re-reads only what changes

    def read_terms(self, files: list[Path]) -> list[TermFile]:
        """Return the readable term files (each read, or taken from the memo by its bytes), recording every
        file's problems and checking the files its figures name."""
        out = []
        for path in files:
            tf = self.term_file(path)
            self.problems += tf.problems
            self.check_files(path, tf.files)
            if tf.term is not None:
                out.append(tf)
        return out

    def term_file(self, path: Path) -> TermFile:
        """Return one term file read, or the memo's reading of the same bytes at the same path.

        The memo keeps a file's texts apart, unpickled only when the vocabulary check needs them (see `texts`).
        """
        raw = path.read_bytes()
        if self.memo is None:
            return self.read_term(path, raw)
        name = str(path)
        k = self.keys[name] = memo_key(name, hashlib.sha256(raw).digest())
        made: list[TermFile] = []

        def make() -> bytes:
            made.append(self.read_term(path, raw))
            return self.dumps(made[0]._replace(texts=()), path)
        kept = self.memo.get(k, make)
        self.kept_texts[name] = self.memo.get(f"{k} texts", lambda: self.dumps(
            (made[0] if made else self.read_term(path, raw)).texts, path))
        return made[0] if made else self.loads(kept, path)

    def dumps(self, value: object, path: Path) -> bytes:
        """Return `value` pickled (see `_Pickler`), `path` being the term's file."""
        buf = io.BytesIO()
        _Pickler(buf, {id(path): "file", id(self.root): "root"}).dump(value)
        return buf.getvalue()

    def loads(self, data: bytes, path: Path) -> Any:
        """Return a value pickled by `dumps` for the term file `path`."""
        return _Unpickler(io.BytesIO(data), {"file": path, "root": self.root}).load()

    def texts(self, tf: TermFile) -> tuple[Text, ...]:
        """Return the texts of a readable term file (from the memo when it was kept there)."""
        kept = self.kept_texts.get(str(tf.term.source)) if tf.term and not tf.texts else None
        return self.loads(kept, tf.term.source) if kept and tf.term else tf.texts

    def check_files(self, path: Path, files: Iterable[tuple[str, str, str, Where]]) -> None:
        """Record each file parameter that names no usable file (checked every load: files come and go)."""
        for kind, key, value, where in files:
            try:
                resolve_file(KINDS[kind].params[key], value, self.root)
            except FileProblem as e:
                self.problems.append(Problem(path, *where, e.message, e.fix))

    def warnings(self, terms: list[TermFile], words: tuple[Word, ...]) -> tuple[Problem, ...]:
        """Return every term's warnings, file by file: TODO text and avoided words (kept in the memo by the
        file's bytes and the vocabulary)."""
        vocabulary = memo_key(words) if words and self.memo is not None else ""
        out: list[Problem] = []
        for tf in terms:
            path = tf.term.source if tf.term else Path()

            def scanned(tf: TermFile = tf, path: Path = path) -> tuple[Problem, ...]:
                return tuple(_vocabulary_problems(path, self.texts(tf), words))
            if not words:
                avoided: tuple[Problem, ...] = ()
            elif self.memo is None:
                avoided = scanned()
            else:
                avoided = self.memo.get(memo_key(self.keys[str(path)], vocabulary), scanned)
            out += sorted((*tf.todo, *avoided))
        return tuple(out)

    def read_vocabulary(self) -> tuple[Word, ...]:
        """Return the words of sources/vocabulary.yaml (none when the file is absent)."""
        path = self.root / VOCABULARY_FILE
        if not path.exists() or not self.inside(path) or (node := _compose(path, self.problems)) is None:
            return ()
        f = _File(path, self.problems)
        m = f.record(node, "vocabulary")
        return f.records(m.get("words") if m else None, "`words`", lambda n: _word(f, n))

    def term_files(self) -> list[Path]:
        """Return the YAML files in terms/, sorted by name."""
        folder = self.root / TERMS_DIR
        try:
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if os.path.splitext(e.name)[1] in (".yaml", ".yml"))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [folder / name for name in names]

    def inside(self, path: Path) -> bool:
        """Return whether `path` is a regular file that really lies inside the sources directory."""
        if self.plain(path):
            return True
        if not path.resolve().is_relative_to(self.root.resolve()):
            self.problems.append(Problem(path, 1, 1, "this file is a link leading outside the sources directory",
                                         "copy the file into sources/ instead of linking to it"))
            return False
        if not path.is_file():
            self.problems.append(Problem(path, 1, 1, "this is a folder or a broken link, not a file",
                                         f"move it out of {TERMS_DIR}/ or rename it"))
            return False
        return True

    def plain(self, path: Path) -> bool:
        """Return whether `path` is a regular file, not a link, in a folder that lies inside the sources directory
        (what `inside` accepts, told without resolving the path)."""
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return False
        except OSError:
            return False
        if path.parent not in self.folders:
            self.folders[path.parent] = path.parent.resolve().is_relative_to(self.root.resolve())
        return self.folders[path.parent]

    def read_head(self, path: Path) -> dict[str, Any] | None:
        """Return the glossary file's fields (sections as plain dicts)."""
        f = _File(path, self.problems)
        node = _compose(path, self.problems)
        if node is None:
            return None
        keys = shapes.RECORDS["glossary"].keys[0]
        m = f.record(node, "glossary")
        if m is None:
            return None
        info: dict[str, Any] = {k: f.text(m.get(k), f"`{k}`") for k in keys[2:-1]}
        info.update(id=f.slug(m.get("id"), "`id`"), name=f.text(m.get("name"), "`name`"))
        if (info["name"] and not re.fullmatch(r"[\w.-]+", info["name"])) or info["name"].startswith(".") \
                or len(info["name"].encode()) > MAX_NAME:
            f.error(m.get("name"), f"`name` `{info['name']}` can't be a file name",
                    "use letters, digits, `-` and `_` only, e.g. `deep-learning-ko`")
        if info["tag_prefix"] and not re.fullmatch(r"[A-Za-z0-9_:-]+", info["tag_prefix"]):
            f.error(m.get("tag_prefix"), "`tag_prefix` may not contain spaces or punctuation",
                    "use letters, digits, `_`, `-` or `::`, e.g. `dl`")
        sections = []
        seen: set[str] = set()
        for s in f.items(m.get("sections"), "`sections`"):
            sm = f.record(s, "section")
            if sm is None:
                continue
            sid = f.slug(sm.get("id"), "section `id`")
            if sid in seen:
                f.error(sm.get("id"), f"section id `{sid}` is used twice", "give each section its own id")
            seen.add(sid)
            sections.append({"id": sid, "ko": f.text(sm.get("ko"), "`ko`"),
                             "en": f.text(sm.get("en"), "`en`"), "node": sm.get("id")})
        if "sections" in m and not sections:
            f.error(m["sections"], "the glossary has no sections", "list at least one section")
        info["sections"] = sections
        info["credit"] = _credit(f, m["credit"]) if "credit" in m else None
        return info

    def read_term(self, path: Path, raw: bytes) -> TermFile:
        """Return one term file (whose bytes are `raw`) read on its own; its term is None if it can't be read.

        A term with problems is still returned, so that its id counts in the cross-file checks
        and one mistake does not cascade into "related term does not exist" elsewhere.
        """
        problems: list[Problem] = []
        node = _compose(path, problems, raw)
        f = _File(path, problems)
        m = f.record(node, "term") if node is not None else None
        if m is None:
            return TermFile(None, tuple(problems), {})
        tid = f.slug(m.get("id"), "`id`")
        facts = self.facts(f, m.get("cloze"))
        key_points = f.texts(m.get("key_points"), "`key_points`")
        if "key_points" in m and not key_points and isinstance(m["key_points"], yaml.SequenceNode):
            f.error(m["key_points"], "`key_points` is empty", "add at least one short bullet")
        term = Term(
            id=tid, section=f.text(m.get("section"), "`section`"), ko=f.text(m.get("ko"), "`ko`"),
            en=f.text(m.get("en"), "`en`"), abbr=f.optional_text(m.get("abbr"), "`abbr`"),
            summary=f.text(m.get("summary"), "`summary`"),
            definition=f.text(m.get("definition"), "`definition`").strip(),
            key_points=key_points,
            formulas=f.records(m.get("formulas"), "`formulas`", lambda n: self.formula(f, n)),
            figures=tuple(self.figure(f, n, tid, i) for i, n in enumerate(f.items(m.get("figures"),
                                                                                      "`figures`"), 1)),
            related=f.texts(m.get("related"), "`related`"),
            references=f.records(m.get("references"), "`references`", lambda n: self.reference(f, n)),
            cloze=tuple(text for text, _, _ in facts), cloze_ids=tuple(i for _, i, _ in facts),
            source=path,
        )
        self.check_facts(f, term, [n for _, _, n in facts])
        texts = tuple(Text(key, str(n.value), n.start_mark.index, n.end_mark.index)
                      for key, value in m.items() for n in _text_nodes(value, key))
        related = tuple((n.value if isinstance(n, yaml.ScalarNode) else None, _where(n))
                        for n in _nodes(m.get("related")))
        return TermFile(term, tuple(problems), {k: _where(m[k]) for k in ("id", "en", "section") if k in m},
                        cloze=tuple(_where(n) for n in _nodes(m.get("cloze"))), related=related,
                        figures=tuple(_where(n) for n in _nodes(m.get("figures"))), texts=texts,
                        todo=tuple(_todo_problems(path, texts, raw)), files=tuple(f.files))

    def facts(self, f: _File, node: yaml.Node | None) -> list[tuple[str, str, yaml.Node]]:
        """Return the cloze facts (text, author's id or "", node): each is text or `{id: …, text: …}`."""
        out = []
        for n in f.items(node, "`cloze`"):
            if isinstance(n, yaml.MappingNode):
                fm = f.record(n, "cloze_fact")
                text, fid = (f.text(fm.get("text"), "`text`"), f.text(fm.get("id"), "`id`")) if fm else ("", "")
            else:
                text, fid = f.text(n, "an item of `cloze`"), ""
            if text and not has_hidden(text):
                f.error(n, "a cloze fact has no hidden part", "mark the part to hide as [[like this]]")
            elif text:
                out.append((text, fid, n))
        return out

    @staticmethod
    def check_facts(f: _File, term: Term, nodes: list[yaml.Node]) -> None:
        """Record two facts of one term with the same identity (their Anki cards would be one)."""
        first: dict[str, yaml.Node] = {}
        for key, node in zip(term.fact_ids(), nodes, strict=True):
            if key in first:
                f.error(node, f"this cloze fact has the same identity `{key}` as the fact on line "
                              f"{first[key].start_mark.line + 1}; each fact's identity is its `id`, else its "
                              "[[answer]]", "give one of them an `id:` (write it as `- {id: some-name, text: …}`)")
            first.setdefault(key, node)

    def formula(self, f: _File, node: yaml.Node) -> Formula | None:
        """Return one formula {latex, label}."""
        m = f.record(node, "formula")
        if m is None:
            return None
        return Formula(f.text(m.get("latex"), "`latex`"), f.text(m.get("label"), "`label`"),
                       line=node.start_mark.line + 1)

    def reference(self, f: _File, node: yaml.Node) -> Reference | None:
        """Return one reference {authors, year, title, venue}."""
        m = f.record(node, "reference")
        if m is None:
            return None
        year = f.scalar(m["year"], int, "`year`") if "year" in m else None
        return Reference(f.text(m.get("authors"), "`authors`"), year or 0, f.text(m.get("title"), "`title`"),
                         f.text(m.get("venue"), "`venue`"))

    def figure(self, f: _File, node: yaml.Node, term_id: str, index: int) -> Figure:
        """Return one figure, with its kind and parameters checked against the diagram registry."""
        m = f.record(node, "figure") or {}
        kind = f.text(m.get("kind"), "`kind`")
        params: dict[str, object] = {}
        if kind and kind not in KINDS:
            close = difflib.get_close_matches(kind, KINDS, n=1)
            f.error(m.get("kind"), f"unknown diagram kind `{kind}`",
                    f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(sorted(KINDS))}")
        elif kind:
            params = self.params(f, m.get("params"), kind)
        fid = f.slug(m["id"], "figure `id`") if "id" in m else f"{term_id}-{index}"
        quiz = f.scalar(m["quiz"], bool, "`quiz`") if "quiz" in m else True
        mode = f.text(m.get("occlude_mode"), "`occlude_mode`", shapes.OCCLUDE_MODES[0])
        if mode not in shapes.OCCLUDE_MODES:
            f.error(m.get("occlude_mode"), f"unknown `occlude_mode` `{mode}`",
                    f"use one of: {', '.join(shapes.OCCLUDE_MODES)}")
        return Figure(id=fid, kind=kind, params=MappingProxyType(params),
                      caption=f.text(m.get("caption"), "`caption`"), alt=f.text(m.get("alt"), "`alt`"),
                      term_id=term_id, base_dir=self.root, line=node.start_mark.line + 1,
                      occlude=self.occlude(f, m.get("occlude"), kind if kind in KINDS else ""),
                      hide_one=mode == "hide-one", hide=self.hidden(f, m.get("hide"), kind), quiz=quiz is not False)

    @staticmethod
    def occlude(f: _File, node: yaml.Node | None, kind: str) -> tuple[str, ...]:
        """Return the labels a figure's image-occlusion card asks, in the kind's order: `occlude: [names…]`,
        `occlude: false` (none) or, without the key, every askable label of the kind."""
        offered = KINDS[kind].labels if kind else ()
        if node is None or not kind:  # an unknown kind was reported
            return offered
        if isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "bool":
            if f.scalar(node, bool, "`occlude`") is not False:
                f.error(node, "`occlude: true` is not an option", "list the labels to ask, or write `false`")
            return ()
        names = f.texts(node, "`occlude`")
        valid = ", ".join(offered) if offered else f"none: `{kind}` has no askable labels, write `occlude: false`"
        for i, (name, item) in enumerate(zip(names, _nodes(node), strict=False)):
            if name not in offered:
                close = difflib.get_close_matches(name, offered, n=1)
                f.error(item, f"`{name}` is not an askable label of `{kind}`",
                        f"did you mean `{close[0]}`? valid names: {valid}" if close else f"valid names: {valid}")
            elif name in names[:i]:
                f.error(item, f"`{name}` is listed twice in `occlude`", "list each label once")
        if isinstance(node, yaml.SequenceNode) and not node.value:
            f.error(node, "`occlude` is an empty list", "list the labels to ask, or write `occlude: false`")
        return tuple(n for n in offered if n in names)

    @staticmethod
    def hidden(f: _File, node: yaml.Node | None, kind: str) -> tuple[str, ...]:
        """Return a figure's `hide:` list, each name checked against its kind's askable labels."""
        labels = KINDS[kind].labels if kind in KINDS else ()
        names = []
        for item in f.items(node, "`hide`") if node is not None else ():
            name = f.scalar(item, str, "an item of `hide`")
            if name is None or not kind or kind not in KINDS:
                continue
            if name not in labels:
                close = difflib.get_close_matches(name, labels, n=1)
                fix = (f"did you mean `{close[0]}`? " if close else "") + \
                    (f"the labels of `{kind}`: {', '.join(labels)}" if labels else f"`{kind}` has no askable labels")
                f.error(item, f"`{name}` is not an askable label of `{kind}`", fix)
                continue
            names.append(name)
        return tuple(dict.fromkeys(names))

    def params(self, f: _File, node: yaml.Node | None, kind: str) -> dict[str, object]:
        """Return a figure's parameters: the kind's defaults overridden by those given, checked against its Params."""
        declared = KINDS[kind].params
        given = f.mapping(node, (), tuple(declared), f"the parameters of `{kind}`") if node else {}
        out: dict[str, object] = dict(KINDS[kind].defaults)
        for key, value_node in (given or {}).items():
            param = declared[key]
            if param.is_list:
                pairs = [(n, f.scalar(n, param.type, f"an item of `{key}`")) for n in f.items(value_node, f"`{key}`")]
                if param.max_items is not None and len(pairs) > param.max_items:
                    f.error(value_node, f"`{key}` has {len(pairs)} items", f"give at most {param.max_items}")
                for n, v in pairs:
                    self.within(f, n, key, param, v)
                out[key] = [v for _, v in pairs if v is not None]
            else:
                value = f.scalar(value_node, param.type, f"`{key}`")
                if value is not None and self.within(f, value_node, key, param, value):
                    out[key] = value
        given = given or {}
        for key, param in declared.items():
            if not param.file or (key not in given and param.default) or (key in given and not out[key]):
                continue  # a default is a known file; a given value that is no text was reported
            if key not in given:
                f.error(node or None, f"this `{kind}` figure needs `params: {{{key}: …}}`",
                        "give the picture's path relative to sources/")
                continue
            f.files.append((kind, key, str(out[key]), _where(given.get(key))))  # see `check_files`
        return out

    @staticmethod
    def within(f: _File, node: yaml.Node, key: str, param: Param, value: object) -> bool:
        """Return whether a number is inside its parameter's limits (recording a problem if not)."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return True
        if param.maximum is not None and value > param.maximum:
            f.error(node, f"`{key}` is {value}, more than the largest allowed, {param.maximum:g}",
                    "use a smaller value (figures this large take minutes to draw and can't be read)")
            return False
        if param.minimum is not None and value < param.minimum:
            f.error(node, f"`{key}` is {value}, less than the smallest allowed, {param.minimum:g}",
                    "use a larger value")
            return False
        return True

    def check_links(self, terms: list[TermFile], info: dict[str, Any] | None, every_file_read: bool = True) -> None:
        """Record duplicate ids, unknown sections and related ids that name no term (only when `every_file_read`:
        an unreadable file's id is unknown)."""
        sections = [s["id"] for s in info["sections"]] if info else []
        first: dict[str, Path] = {}
        figures: dict[str, Path] = {}
        ids = {t.term.id for t in terms if t.term}
        titles: dict[str, Path] = {}  # Anki flags notes whose first fields are equal as duplicates
        facts: dict[str, Path] = {}
        for tf in terms:
            term = tf.term
            assert term is not None  # only readable files are checked
            at = self.at(term.source)
            if term.ko and term.en and titles.setdefault(term.title, term.source) != term.source:
                at(tf.places["en"], f"the term `{term.title}` has the same names as the one in "
                   f"{titles[term.title].name}",
                   "give one of them another English name (Anki would show their notes as duplicates)")
            for fact, where in zip(term.cloze, tf.cloze, strict=False):
                if facts.setdefault(" ".join(fact.split()), term.source) != term.source:
                    at(where, f"the same cloze fact is in {facts[' '.join(fact.split())].name}",
                       "keep it in one term only, or reword one of them")
            if term.id and term.id in first:  # a missing id is reported as a missing key
                at(tf.places["id"], f"term id `{term.id}` is already used by {first[term.id].name}",
                   "give every term its own id")
            first.setdefault(term.id, term.source)
            if info and term.section and term.section not in sections:
                close = difflib.get_close_matches(term.section, sections, n=1)
                at(tf.places["section"], f"unknown section `{term.section}`",
                   f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(sections)}")
            for rid, where in tf.related:
                if every_file_read and isinstance(rid, str) and rid in term.related and rid not in ids:
                    close = difflib.get_close_matches(rid, ids, n=1)
                    at(where, f"related term `{rid}` does not exist",
                       f"did you mean `{close[0]}`?" if close else "use the `id` of another term file")
            for fig, where in zip(term.figures, tf.figures, strict=False):
                if fig.id in figures:
                    at(where, f"figure id `{fig.id}` is already used in {figures[fig.id].name}",
                       "give every figure its own id")
                figures.setdefault(fig.id, term.source)

    def at(self, path: Path) -> Callable[[Where, str, str], None]:
        """Return a function recording a problem in `path` at a place (line, column)."""
        return lambda where, message, fix: self.problems.append(Problem(path, *where, message, fix))


def _credit(f: _File, node: yaml.Node) -> Credit | None:
    """Return the glossary's `credit` {title, author, url, note}: the work it grew from."""
    m = f.record(node, "credit")
    if m is None:
        return None
    url = f.text(m.get("url"), "`url`")
    if url and not re.fullmatch(r"https?://\S+", url):
        f.error(m.get("url"), f"`url` `{url}` is not a web address", "write it as https://…")
    return Credit(f.text(m.get("title"), "`title`"), f.text(m.get("author"), "`author`"), url,
                  f.optional_text(m.get("note"), "`note`"))


def _word(f: _File, node: yaml.Node) -> Word | None:
    """Return one vocabulary entry {ko, en, avoid, except, note}."""
    m = f.record(node, "word")
    if m is None:
        return None
    return Word(ko=f.text(m.get("ko"), "`ko`"), en=f.optional_text(m.get("en"), "`en`"),
                avoid=f.texts(m.get("avoid"), "`avoid`"), exceptions=f.texts(m.get("except"), "`except`"),
                note=f.optional_text(m.get("note"), "`note`"))


def _text_nodes(node: yaml.Node, key: str = "") -> Iterator[yaml.ScalarNode]:
    """Yield, in file order, the scalar nodes of a term that hold text a reader sees."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield from _text_nodes(v, str(k.value) if isinstance(k, yaml.ScalarNode) else "")
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _text_nodes(item, key)
    elif isinstance(node, yaml.ScalarNode) and key in TEXT_KEYS and node.tag == _STR:
        yield node


def _todo_problems(path: Path, texts: tuple[Text, ...], raw: bytes) -> Iterator[Problem]:
    """Yield a warning at every text of a term that still holds `TODO` (as `dlexport new` writes it)."""
    hits = [t for t in texts if TODO.search(t.value)]
    source = raw.decode("utf-8-sig") if hits else ""
    for t in hits:
        found = TODO.search(source, t.start, t.end)  # in a block, the word's own line
        index = found.start() if found else t.start
        line, column = source.count("\n", 0, index) + 1, index - (source.rfind("\n", 0, index) + 1) + 1
        yield Problem(path, line, column, f"`{t.key}` still holds TODO text", "replace it with the real content")


def _vocabulary_problems(path: Path, texts: tuple[Text, ...], words: tuple[Word, ...]) -> Iterator[Problem]:
    """Yield a problem at the file:line:col of every avoided word in one term's texts."""
    hits = scan(words, [t.value for t in texts]) if words else []
    source = path.read_bytes().decode("utf-8-sig") if hits else ""
    for hit in hits:
        text = texts[hit.text]
        value, raw = text.value, source[text.start: text.end]
        nth = sum(1 for i in range(hit.start) if value.startswith(hit.found, i))
        at = -1
        for _ in range(nth + 1):
            at = raw.find(hit.found, at + 1)
        index = text.start + max(at, 0)  # not found verbatim (folded across lines): the text's start
        line = source.count("\n", 0, index) + 1
        column = index - (source.rfind("\n", 0, index) + 1) + 1
        yield Problem(path, line, column, *hit.message())


def _proxy(items: dict[str, object]) -> MappingProxyType[str, object]:
    """Return a read-only view of `items`: how a kept term's figure parameters are unpickled."""
    return MappingProxyType(items)


class _Pickler(pickle.Pickler):
    """Pickles read-only mappings (a figure's parameters) too, and leaves out the objects in `names` (the term's
    file and the sources folder, by id): `_Unpickler` gives them back without building them again."""

    def __init__(self, file: io.BytesIO, names: dict[int, str]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: lambda m: (_proxy, (dict(m),))}
        self.names = names

    def persistent_id(self, obj: object) -> str | None:
        """Return the name of an object left out, else None."""
        return self.names.get(id(obj))


class _Unpickler(pickle.Unpickler):
    """Reads what `_Pickler` wrote, giving back the objects left out by name."""

    def __init__(self, file: io.BytesIO, objects: dict[str, object]) -> None:
        super().__init__(file)
        self.objects = objects

    def persistent_load(self, pid: object) -> object:
        """Return the object left out under this name."""
        return self.objects[str(pid)]


def _salt() -> str:
    """Return what reading a term file depends on besides its bytes: dlexport's code and the diagram kinds
    (tests register more at run time)."""
    return memo_key(code(), sorted(KINDS.items()))


def load(root: Path, cache: Path | None = None) -> Glossary:
    """Return the glossary in `root`, or raise SourceError naming every problem in its files.

    With `cache` (a folder), each term file's reading (its term, problems and warnings) is kept there by the
    file's bytes, so the next load parses only the files that changed; the checks across files, and those
    of files a figure names, run on every load.
    """
    memo = Memo(cache / "memo-load.pickle", _salt()) if cache is not None else None
    return _Reader(root, memo).glossary()
