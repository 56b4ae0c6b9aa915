"""Tests for the cheatsheet target: the Markdown read by a CommonMark parser, the page in a real Chromium."""

from __future__ import annotations

import dataclasses
import html
import re
import string
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from dlexport import cards
from dlexport.memo import Memo
from dlexport.model import Assets, Glossary, Settings, Term
from dlexport.render import render_assets
from dlexport.targets import anki, cheatsheet

from .conftest import ROOT, artifacts_dir, run_cli

EPOCH = 1_700_000_000
HOSTILE = "<script>alert(1)</script> {{Front}} {{c1::x}} &amp; [sound:x.mp3] *a* _b_ [x](y) | `c` $d$ \\e ~~f~~ #g"
@dataclasses.dataclass(frozen=True)
class Built:
    """One cheatsheet build: the glossary, its assets and the two files."""

    glossary: Glossary
    assets: Assets
    md: Path
    page: Path


def parser() -> MarkdownIt:
    """Return a CommonMark parser with GitHub's tables and strikethrough."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def github_slug(text: str) -> str:
    """Return GitHub's heading anchor, written independently of the module: \\w, '-' and ' ' kept."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def inline_text(token: Token) -> str:
    """Return the visible text of an inline token (text and code spans; images by their alt text)."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(inline_text(child))
    return "".join(out)


def heading_anchors(tokens: list[Token]) -> list[str]:
    """Return the anchor of every heading, numbered like GitHub numbers repeats (-1, -2, …)."""
    seen: dict[str, int] = {}
    out = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            base = github_slug(inline_text(tokens[i + 1]))
            anchor, n = base, 0
            while anchor in seen:
                n += 1
                anchor = f"{base}-{n}"
            seen[anchor] = 1
            out.append(anchor)
    return out


def inline_children(tokens: list[Token]) -> Iterator[Token]:
    """Yield every inline child token of the document."""
    for tok in tokens:
        yield from tok.children or []


def build_into(glossary: Glossary, out: Path, cache: Path) -> Built:
    """Render the glossary's figures into `out` and build the cheatsheet there."""
    assets, _ = render_assets(glossary, out, cache_dir=cache, jobs=2)
    md = cheatsheet.build(glossary, assets, out, Settings(epoch=EPOCH)).paths[0]
    return Built(glossary, assets, md, md.with_suffix(".html"))


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder for this module's screenshots (never inside the checkout)."""
    return artifacts_dir("cheatsheet", tmp_path_factory)


@pytest.fixture(scope="module")
def basic(glossary: Glossary, figure_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the cheatsheet of tests/roots/basic."""
    return build_into(glossary, tmp_path_factory.mktemp("basic"), figure_cache)


@pytest.fixture(scope="module")
def seed(seed_glossary: Glossary, figure_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the cheatsheet of the real sources/ (its figures drawn cold once per module)."""
    return build_into(seed_glossary, tmp_path_factory.mktemp("seed"), figure_cache)


def hostile_glossary(glossary: Glossary) -> Glossary:
    """Return the fixture glossary with hostile text in names, prose, captions, references and cloze."""
    act = glossary.term("activation")
    per = glossary.term("perceptron")
    ref = dataclasses.replace(per.references[0], title=HOSTILE)
    fig = dataclasses.replace(per.figures[0], caption=HOSTILE, alt=HOSTILE)
    terms = {
        "activation": dataclasses.replace(act, ko=f"활성화 {HOSTILE}", summary=HOSTILE, definition=HOSTILE,
                                          key_points=(HOSTILE,), cloze=(f"{HOSTILE} 정답은 [[{HOSTILE}]]",)),
        "perceptron": dataclasses.replace(per, figures=(fig,), references=(ref,), related=("activation",)),
    }
    sections = tuple(dataclasses.replace(s, terms=tuple(terms.get(t.id, t) for t in s.terms))
                     for s in glossary.sections)
    return dataclasses.replace(glossary, sections=sections)


# --- Markdown -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "anchor"), [
    ("이론 (Theory)", "이론-theory"),
    ("장단기 기억 네트워크 (Long Short-Term Memory, LSTM)", "장단기-기억-네트워크-long-short-term-memory-lstm"),
    ("C++ & Python!", "c--python"),
    ("snake_case — 뜻", "snake_case--뜻"),
    ("<script>*x*</script> [y](z)", "scriptxscript-yz"),
])
def test_slug_follows_github(heading: str, anchor: str) -> None:
    assert cheatsheet.slug(heading) == anchor == github_slug(heading)


def test_repeated_headings_are_numbered_like_github() -> None:
    anchor = cheatsheet.anchors()
    got = [anchor("수식"), anchor("수식"), anchor("수식 1"), anchor("수식")]
    assert got == ["수식", "수식-1", "수식-1-1", "수식-2"]


@pytest.mark.parametrize("which", ["basic", "seed"])
def test_every_link_resolves_and_every_image_exists(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    tokens = parser().parse(built.md.read_text(encoding="utf-8"))
    anchors = heading_anchors(tokens)
    g = built.glossary
    assert len(anchors) == 2 + len(g.sections) + len(g.terms)  # title, contents, sections, terms
    links = [c.attrs["href"] for c in inline_children(tokens) if c.type == "link_open"]
    internal = [unquote(str(h)[1:]) for h in links if str(h).startswith("#")]  # the parser %-encodes
    assert internal and all(a in anchors for a in internal), set(internal) - set(anchors)
    related = sum(1 for t in g.terms for r in t.related if r in {u.id for u in g.terms})
    assert len(internal) == len(g.sections) + len(g.terms) + related  # TOC + related-term links
    images = [c for c in inline_children(tokens) if c.type == "image"]
    assert [inline_text(i) for i in images] == [f.alt for f in g.figures()]
    for image in images:
        src = str(image.attrs["src"])
        assert src.startswith("figures/") and (built.md.parent / src).read_bytes()[:4] == b"\x89PNG"
    text = built.md.read_text(encoding="utf-8")
    for f in (f for t in g.terms for f in t.formulas):
        assert f"${f.latex}$" in text or f"$`{f.latex}`$" in text


@given(st.text(alphabet=st.sampled_from([*string.printable[:95], "가", "힣", "\n"]), max_size=40))
@example("0 #")  # a heading would drop a trailing " #" as its closing sequence
@settings(max_examples=300, deadline=None)
def test_escaped_markdown_shows_exactly_the_text(value: str) -> None:
    expected = " ".join(value.split())
    if not expected:
        assert cheatsheet.md_text(value) == ""
        return
    for wrap, prefix in (("{}", ""), ("- {}", ""), ("### {}", ""), ("**{}**", ""), ("1. x {}", "x ")):
        tokens = parser().parse(wrap.format(cheatsheet.md_text(value)))
        inline = [t for t in tokens if t.type == "inline"]
        kinds = {c.type for t in inline for c in t.children or []} - {"text", "strong_open", "strong_close"}
        assert not kinds, (value, wrap, kinds)
        assert [inline_text(t) for t in inline] == [prefix + expected], wrap


class _Visible(HTMLParser):
    """Collects the text of an HTML document and the tags it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_markdown_shows_as_text(glossary: Glossary, figure_cache: Path, tmp_path: Path) -> None:
    built = build_into(hostile_glossary(glossary), tmp_path, figure_cache)
    rendered = _Visible()
    rendered.feed(parser().render(built.md.read_text(encoding="utf-8")))
    text = " ".join("".join(rendered.text).split())
    assert text.count(HOSTILE) >= 7  # name ×3 (heading, TOC, related), summary, definition, point, caption, ref
    tags = [t for t, _ in rendered.tags]
    assert not set(tags) & {"script", "del", "code"}, tags
    assert tags.count("em") == sum(1 for _ in built.glossary.figures())  # only the captions are italic
    assert all(a.get("href", "#").startswith("#") for t, a in rendered.tags if t == "a")
    tokens = parser().parse(built.md.read_text(encoding="utf-8"))
    anchors = heading_anchors(tokens)
    hrefs = [unquote(str(c.attrs["href"])[1:]) for c in inline_children(tokens) if c.type == "link_open"]
    assert hrefs and all(h in anchors for h in hrefs)
    images = [c for c in inline_children(tokens) if c.type == "image"]
    assert [inline_text(i) for i in images] == [f.alt for f in built.glossary.figures()]
    assert images[0].children and inline_text(images[0]) == HOSTILE


def test_build_is_reproducible(basic: Built, tmp_path: Path) -> None:
    again = cheatsheet.build(basic.glossary, basic.assets, tmp_path, Settings(epoch=EPOCH)).paths[0]
    assert again.read_bytes() == basic.md.read_bytes()
    assert again.with_suffix(".html").read_bytes() == basic.page.read_bytes()


def _edits(g: Glossary) -> Iterator[tuple[str, Glossary]]:
    """Yield (what changed, glossary) for a run of edits, each on the one before: text, an inserted term
    whose heading repeats another's (GitHub numbers the later anchors anew), a related title, a deletion."""
    act, per = g.term("activation"), g.term("perceptron")
    g = _with(g, dataclasses.replace(act, summary=act.summary + " 바뀜"))
    yield "text", g
    twin = dataclasses.replace(per, id="twin", related=("perceptron",), cloze=(), figures=())
    first = g.sections[0]
    g = dataclasses.replace(g, sections=(dataclasses.replace(first, terms=(twin, *first.terms)), *g.sections[1:]))
    yield "insert a term with a repeated heading", g
    g = _with(g, dataclasses.replace(per, en=per.en + " II"))
    yield "a related title", g
    g = dataclasses.replace(g, sections=tuple(
        dataclasses.replace(s, terms=tuple(t for t in s.terms if t.id != "twin")) for s in g.sections))
    yield "delete", g


def _with(g: Glossary, term: Term) -> Glossary:
    """Return `g` with `term` in place of the term of the same id."""
    return dataclasses.replace(g, sections=tuple(
        dataclasses.replace(s, terms=tuple(term if t.id == term.id else t for t in s.terms)) for s in g.sections))


def test_memo_builds_are_byte_identical_to_cold_builds_and_remake_only_what_changed(
        basic: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memos: list[Memo] = []
    made = Settings.memo

    def remembered(self: Settings, name: str, salt: str = "") -> Memo:
        memos.append(made(self, name, salt))
        return memos[-1]
    monkeypatch.setattr(Settings, "memo", remembered)
    warm = Settings(epoch=EPOCH, cache=tmp_path / "cache")
    cheatsheet.build(basic.glossary, basic.assets, tmp_path / "warm", warm)
    terms = len(basic.glossary.terms)
    assert (memos[-1].hits, memos[-1].misses) == (0, 3 * terms)
    cheatsheet.build(basic.glossary, basic.assets, tmp_path / "warm", warm)
    assert (memos[-1].hits, memos[-1].misses) == (3 * terms, 0)
    # Remade: the edited term's three fragments (Markdown, article, cards) and what shows it: the twin takes
    # perceptron's anchor (its md and article, and rbm's, which link it, are remade); perceptron's new title
    # is shown by rbm and the twin (their related links and cards); a deletion that nobody links remakes nothing.
    remade = {"text": 3, "insert a term with a repeated heading": 3 + 2 + 2, "a related title": 3 + 3 + 3, "delete": 0}
    for what, g in _edits(basic.glossary):
        md = cheatsheet.build(g, basic.assets, tmp_path / "warm", warm).paths[0]
        assert memos[-1].misses == remade[what], what  # the edited term's fragments, and the ones it shows
        cold = cheatsheet.build(g, basic.assets, tmp_path / "cold", Settings(epoch=EPOCH)).paths[0]
        assert md.read_bytes() == cold.read_bytes(), what
        assert md.with_suffix(".html").read_bytes() == cold.with_suffix(".html").read_bytes(), what
    assert "twin" not in md.with_suffix(".html").read_text(encoding="utf-8")


def test_cheatsheet_command_writes_both_files_beside_the_figures(tmp_path: Path) -> None:
    out = tmp_path / "빌드"
    result = run_cli("cheatsheet", "--sources", ROOT / "tests" / "roots" / "basic", "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    assert sorted(p.suffix for p in out.iterdir() if p.is_file()) == [".html", ".md"]
    page = (out / "테스트-용어집.html").read_text(encoding="utf-8")
    for src in re.findall(r'src="([^"]+)"', page):
        assert (out / html.unescape(src)).is_file(), src


# --- Card preview ---------------------------------------------------------------------------------------------

def _anki_card_text(markup: str) -> str:
    """Return the visible text of a card side, with formulas (image or MathJax) and scripts left out (the
    preview leaves out Anki's: page.js paints an image-occlusion card's masks)."""
    markup = re.sub(r"<style>.*?</style>|<script>.*?</script>", "", markup, flags=re.DOTALL)
    markup = re.sub(r'<span class="math">.*?</span>|<img class="math"[^>]*>', "", markup, flags=re.DOTALL)
    parsed = _Visible()
    parsed.feed(markup)
    return " ".join("".join(parsed.text).split())


def test_card_preview_matches_what_anki_renders(glossary: Glossary, figure_cache: Path, tmp_path: Path) -> None:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    g = hostile_glossary(glossary)
    assets, _ = render_assets(g, tmp_path, cache_dir=figure_cache, jobs=1)
    apkg = anki.build(g, assets, tmp_path, Settings(epoch=EPOCH)).paths[0]
    (tmp_path / "col").mkdir()
    col = Collection(str(tmp_path / "col" / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions(
            merge_notetypes=False, update_notes=1, update_notetypes=1, with_scheduling=False,
            with_deck_configs=False)))
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        cards.sort(key=lambda c: (c.due, c.nid, c.ord))  # new cards: due is the term's place, ids count up
        expected = [(_anki_card_text(c.question()), _anki_card_text(c.answer())) for c in cards]
    finally:
        col.close()
    views = cheatsheet.card_views(g, assets)
    assert len(views) == anki.counts(g)["cards"] == len(expected)
    assert [(_anki_card_text(v.front), _anki_card_text(v.back)) for v in views] == expected


def test_cloze_front_hides_and_back_highlights(basic: Built) -> None:
    views = [v for v in cheatsheet.card_views(basic.glossary, basic.assets) if v.name == "빈칸"]
    assert len(views) == sum(len(t.cloze) for t in basic.glossary.terms)
    perceptron = next(v for v in views if v.term_id == "perceptron")
    assert '<span class="cloze">[...]</span>' in perceptron.front and "선형" not in perceptron.front
    assert '<span class="cloze">선형</span>' in perceptron.back


def test_card_preview_fills_the_anki_templates_and_never_reads_content() -> None:
    fields = {name: "" for name in anki.TERM_FIELDS} | {"Korean": "{{English}}", "English": "<b>e</b>",
                                                        "Summary": "&nbsp;<br>"}
    front = anki.card_html("term_front.html", fields)
    assert "{{English}}" in front and "<b>e</b>" in front  # inserted as they are, never scanned
    assert "abbr" not in front and "{{#" not in front  # an empty field's section is left out
    assert '<p class="summary">' not in anki.card_html("term_back.html", fields)  # Anki's "empty" rule
    assert "{{#Abbr}}" in anki.card_template("term_front.html")  # the same source makes the note type
    cloze = anki.card_html("cloze_front.html", {n: "" for n in anki.CLOZE_FIELDS}, "x <i>[...]</i>")
    assert "x <i>[...]</i>" in cloze


# --- The page in a real browser ------------------------------------------------------------------------------

@dataclasses.dataclass
class Loaded:
    """A page opened from file://, with what the browser reported while loading it."""

    page: Any
    errors: list[str]
    remote: list[str]
    dialogs: list[str]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Yield a function that opens a file in a fresh browser context; every context is closed afterwards."""
    contexts: list[Any] = []

    def open_(path: Path, scheme: str = "light") -> Loaded:
        context = browser.new_context(viewport={"width": 1200, "height": 860}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        loaded = Loaded(page, [], [], [])
        page.on("console", lambda m: loaded.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: loaded.errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith("file://") else loaded.remote.append(r.url))
        page.on("dialog", lambda d: (loaded.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri(), wait_until="load")
        return loaded

    yield open_
    for context in contexts:
        context.close()


def visible_terms(page: Any) -> list[str]:
    """Return the ids of the terms the page shows."""
    return list(page.eval_on_selector_all("article.entry", "els => els.filter(e => e.offsetParent)"
                                                            ".map(e => e.dataset.term)"))


def test_page_loads_offline_with_every_image(seed: Built, open_page: Any, artifacts: Path) -> None:
    loaded = open_page(seed.page)
    page = loaded.page
    assert loaded.errors == [] and loaded.remote == [] and loaded.dialogs == []
    sizes = page.eval_on_selector_all("img", "els => els.map(i => [i.getAttribute('src'), i.complete, "
                                             "i.naturalWidth])")
    figures, formulas = len(seed.assets.figures), len({f.latex for t in seed.glossary.terms for f in t.formulas})
    assert len(sizes) > figures + formulas  # the terms, then the card preview
    assert [s for s in sizes if not (s[1] and s[2] > 0)] == []
    assert len(visible_terms(page)) == len(seed.glossary.terms)
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    targets = page.eval_on_selector_all("a[href^='#']", "els => els.map(a => decodeURIComponent(a.hash.slice(1)))")
    assert targets and set(targets) <= set(ids)
    page.screenshot(path=artifacts / "light.png")
    page.screenshot(path=artifacts / "light-full.png", full_page=True)


def test_search_leaves_exactly_the_matching_term(seed: Built, open_page: Any) -> None:
    page = open_page(seed.page).page
    for query in ("드롭", "drop", "DROP", " 드롭아웃 "):
        page.fill("#q", query)
        assert visible_terms(page) == ["dropout"], query
        assert page.eval_on_selector_all(".toc li[data-term]", "els => els.filter(e => e.offsetParent).length") == 1
    page.fill("#q", "relu")
    assert visible_terms(page) == ["relu"]
    page.fill("#q", "없는 용어")
    assert visible_terms(page) == [] and page.is_visible(".empty")
    page.fill("#q", "")
    assert len(visible_terms(page)) == len(seed.glossary.terms) and not page.is_visible(".empty")


def test_cards_view_shows_front_and_back_of_every_card(seed: Built, open_page: Any, artifacts: Path) -> None:
    page = open_page(seed.page).page
    assert not page.is_visible("#cards")
    page.click("[data-view=cards]")
    assert page.is_visible("#cards") and not page.is_visible("#terms")
    sides = page.eval_on_selector_all(
        ".card-pair", "els => els.filter(e => e.offsetParent).map(e => [...e.querySelectorAll('.side .card')]"
                      ".map(c => c.innerText.trim().length + c.querySelectorAll('img').length))")
    assert len(sides) == anki.counts(seed.glossary)["cards"]
    assert all(len(s) == 2 and min(s) > 0 for s in sides)
    fronts = page.eval_on_selector_all(".card-pair .front span.cloze", "els => els.map(e => e.innerText)")
    backs = page.eval_on_selector_all(".card-pair .back span.cloze", "els => els.map(e => e.innerText)")
    assert fronts and set(fronts) == {"[...]"} and len(backs) == len(fronts) and "[...]" not in backs
    page.fill("#q", "드롭")
    shown = page.eval_on_selector_all(".card-pair", "els => els.filter(e => e.offsetParent).map(e => e.dataset.term)")
    assert set(shown) == {"dropout"} and len(shown) == len(cards.of(seed.glossary.term("dropout")))
    page.screenshot(path=artifacts / "cards.png")


def test_dark_scheme_changes_the_colours(seed: Built, open_page: Any, artifacts: Path) -> None:
    script = "() => [getComputedStyle(document.body).backgroundColor, " \
             "getComputedStyle(document.querySelector('.deck .card')).backgroundColor]"
    light = open_page(seed.page, "light").page
    dark = open_page(seed.page, "dark").page
    light_bg, dark_bg = light.evaluate(script), dark.evaluate(script)
    assert light_bg[0] != dark_bg[0] and light_bg[1] != dark_bg[1]  # the page, and the Anki card preview
    dark.screenshot(path=artifacts / "dark.png")


def test_figure_cards_ask_with_the_quiz_variant_and_dim_it_at_night(seed: Built, open_page: Any,
                                                                     artifacts: Path) -> None:
    """In a real browser, with the Anki card CSS: the figure -> term front shows the LSTM figure with its gate
    names hidden and not the full figure, the back shows the full one, and night mode dims both."""
    script = """els => els.filter(e => e.offsetParent && e.querySelector('.kind-figure'))
        .map(e => [...e.querySelectorAll('.side .card')].map(c => [...c.querySelectorAll('img')]
            .filter(i => i.offsetParent).map(i => [i.getAttribute('src'), getComputedStyle(i).filter])))"""
    for scheme, dimmed in (("light", "none"), ("dark", "brightness(0.78)")):
        page = open_page(seed.page, scheme).page
        page.click("[data-view=cards]")
        page.fill("#q", "LSTM")
        ((front, back),) = page.eval_on_selector_all(".card-pair", script)
        quiz, full = seed.assets.figures["lstm-memory-block"].quiz, seed.assets.figures["lstm-memory-block"]
        assert quiz is not None
        assert [src.split("/")[-1] for src, _ in front] == [quiz.path.name]
        assert [src.split("/")[-1] for src, _ in back] == [full.path.name]
        assert {f for _, f in front + back} == {dimmed}
        page.screenshot(path=artifacts / f"figure-card-{scheme}.png")


def test_print_hides_the_controls_and_keeps_figures_whole(seed: Built, open_page: Any) -> None:
    page = open_page(seed.page).page
    page.emulate_media(media="print")
    assert not page.is_visible(".toolbar") and not page.is_visible("#cards")
    breaks = page.eval_on_selector_all("figure", "els => els.map(e => getComputedStyle(e).breakInside)")
    assert breaks and set(breaks) == {"avoid"}


def test_hostile_content_shows_as_text_in_the_page(glossary: Glossary, figure_cache: Path, tmp_path: Path,
                                                   open_page: Any) -> None:
    built = build_into(hostile_glossary(glossary), tmp_path, figure_cache)
    loaded = open_page(built.page)
    page = loaded.page
    assert loaded.errors == [] and loaded.dialogs == [] and loaded.remote == []
    assert page.evaluate("document.scripts.length") == 1
    terms_text = " ".join(page.inner_text("#terms").split())
    assert terms_text.count(HOSTILE) >= 6  # name, summary, definition, point, caption, reference
    page.click("[data-view=cards]")
    page.evaluate("document.querySelectorAll('#cards details').forEach(d => { d.open = true; })")
    cards_text = " ".join(page.inner_text("#cards").split())
    assert cards_text.count(HOSTILE) >= 10
    front = page.eval_on_selector_all(".card-pair .front .cloze-text", "els => els.map(e => e.innerText)")
    assert f"{HOSTILE} 정답은 [...]" in [" ".join(f.split()) for f in front]


def test_occlusion_cards_preview_their_masks_and_a_click_reveals(
        basic_copy: Path, figure_cache: Path, tmp_path: Path, open_page: Any, artifacts: Path) -> None:
    from dlexport.load import load

    from .test_occlusion import write_lstm

    write_lstm(basic_copy)
    built = build_into(load(basic_copy), tmp_path, figure_cache)
    loaded = open_page(built.page)
    page = loaded.page
    assert loaded.errors == [] and page.evaluate("document.scripts.length") == 1  # Anki's scripts left out
    page.click("[data-view=cards]")
    (fig,) = built.glossary.term("lstm").figures
    asset = built.assets.figures[fig.id]
    pairs = page.locator(".card-pair[data-term=lstm]", has=page.locator(".kind-occlusion"))
    assert pairs.count() == len(fig.occlude)
    for i, label in enumerate(fig.occlude):  # in the kind's order, as the deck's cards
        front, back = pairs.nth(i).locator(".front"), pairs.nth(i).locator(".back")
        assert front.locator(".io-mask.inactive").count() == len(fig.occlude) - 1  # hide all, guess one
        assert back.locator(".io-mask.highlight").count() == 1
        image = front.locator("img").bounding_box()
        mask = front.locator(".io-mask.active").bounding_box()
        scale = image["width"] / asset.width
        x0, y0, x1, y1 = (v * scale for v in asset.labels()[label])
        assert mask["x"] - image["x"] <= x0 + 0.5 and mask["y"] - image["y"] <= y0 + 0.5, label
        assert mask["x"] + mask["width"] - image["x"] >= x1 - 0.5, label
        assert mask["y"] + mask["height"] - image["y"] >= y1 - 0.5, label
    first = pairs.nth(0).locator(".front")
    first.locator(".image-occlusion-container").click()
    assert not first.locator(".io-mask.active").is_visible()
    first.locator(".image-occlusion-container").click()
    assert first.locator(".io-mask.active").is_visible()
    pairs.nth(0).screenshot(path=artifacts / "occlusion-card.png")
