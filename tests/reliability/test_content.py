"""Content is data: markup, Anki syntax and odd Unicode in a source come out as the same visible text."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from dlexport.targets import anki

from .conftest import NAME, copy_basic, leftovers, run_cli

LONG = "https://example.com/" + "가나다abc" * 46  # 300 characters, no space to break at
PIECES = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "amp": "R&D",
    "entity": "&amp; &lt;b&gt;",
    "field": "{{Front}}",
    "cloze": "{{c2::x}}",
    "sound": "[sound:x.mp3]",
    "latex": r"\ $ % # _ ^ ~ \frac{a}{b}",
    "emoji": "🧠 👩🏽‍🔬",
    "jamo": "\u1100\u1161\u11a8 \u1112\u1161\u11ab",  # conjoining jamo for 각 한
    "hebrew": "שלום עולם",
    "arabic": "مرحبا بالعالم",
    "long": LONG,
}
CHROME = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
HOSTILE = " ".join(PIECES.values())
SHORT = " ".join(v for k, v in PIECES.items() if k != "long")  # for fields shown in small boxes

TERM = {
    "id": "hostile", "section": "basics", "ko": "위험한 내용", "en": "Hostile Content",
    "summary": f"요약 {SHORT}",
    "definition": f"정의 {HOSTILE}\n\n둘째 문단 {PIECES['script']}",
    "key_points": [f"요점 {v}" for v in PIECES.values()],
    "figures": [{"id": "hostile-net", "kind": "feedforward", "params": {"layers": [2, 3, 1]},
                 "caption": f"캡션 {SHORT}", "alt": f"대체 {SHORT}"}],
    "cloze": [f"빈칸 [[{PIECES['field']} {PIECES['sound']} 정답]] 뒤 {SHORT}"],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, figure_cache: Path) -> Path:
    """Return an output folder built from the fixture glossary plus one term full of hostile text."""
    root = copy_basic(tmp_path_factory.mktemp("용어") / "sources")
    (root / "terms" / "40-hostile.yaml").write_text(yaml.safe_dump(TERM, allow_unicode=True, sort_keys=False),
                                                     encoding="utf-8")
    out = root.parent / "out"
    result = run_cli("all", "--sources", root, "--out", out, "--cache", figure_cache)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and leftovers(out) == []
    return out


@pytest.fixture(scope="module")
def collection(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    """Yield a fresh Anki collection into which the built package was imported."""
    col = Collection(str(tmp_path_factory.mktemp("anki") / "collection.anki2"))
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(built / f"{NAME}.apkg"),
                                                     options=ImportAnkiPackageOptions()))
    yield col
    col.close()


class Elements(HTMLParser):
    """Collects the tag names, attribute names and image sources of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record one start tag."""
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self.sources += [value or "" for name, value in attrs if tag == "img" and name == "src"]


def visible(page: str) -> str:
    """Return what a reader sees: the HTML without style blocks and tags, entities decoded, NFC."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL).replace("<span></span>", "")  # shows nothing
    return unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def squeeze(text: str) -> str:
    """Return `text` NFC-normalised without whitespace (slides break long lines anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def test_anki_cards_show_the_text_and_run_nothing(collection: Collection) -> None:
    search = '"tag:t::term::hostile" -"note:dlexport 그림 가리기"'  # the occlusion cards: see below
    cards = [collection.get_card(c) for c in collection.find_cards(search)]
    assert len(cards) == 4  # term → meaning, meaning → term, figure → term; and one cloze card
    pages = {f"{c.ord}-{side}": html for c in cards
             for side, html in (("q", c.question()), ("a", c.answer()))}
    for name, page in pages.items():
        elements = Elements()
        elements.feed(page)
        assert "script" not in elements.tags, name
        assert not [a for a in elements.attributes if a.startswith("on")], name
        assert all(src.startswith("hostile-net-") for src in elements.sources), (name, elements.sources)
        assert "[anki:play" not in page and "[sound:" not in page, name
    for card in cards:
        assert card.question_av_tags() == [] and card.answer_av_tags() == []
    text = " ".join(visible(p) for p in pages.values())
    for name, piece in PIECES.items():
        assert unicodedata.normalize("NFC", piece) in text, name
    assert f"캡션 {unicodedata.normalize('NFC', SHORT)}" in text
    (cloze,) = [c for c in cards if c.note_type()["name"] == "dlexport 빈칸"]
    assert cloze.ord == 0  # the content's {{c2::x}} made no second card
    assert "{{Front}} [sound:x.mp3] 정답" in visible(cloze.answer())
    assert "정답" not in visible(cloze.question())  # the real gap is hidden


def test_anki_occlusion_cards_run_only_anki_s_own_mask_script(collection: Collection) -> None:
    search = '"tag:t::term::hostile" "note:dlexport 그림 가리기"'
    cards = [collection.get_card(c) for c in collection.find_cards(search)]
    assert cards  # the figure's labels, one card each
    scripts = re.findall(r"<script>.*?</script>", anki.card_template("occlusion_front.html"), flags=re.DOTALL)
    for card in cards:
        for page in (card.question(), card.answer()):
            assert re.findall(r"<script>.*?</script>", page, flags=re.DOTALL) == scripts  # the template's, no other
            elements = Elements()
            elements.feed(page)
            assert not [a for a in elements.attributes if a.startswith("on")]
            assert all(src.startswith("hostile-net-") for src in elements.sources), elements.sources
        assert f"캡션 {unicodedata.normalize('NFC', SHORT)}" in visible(card.answer())


def test_anki_fields_keep_the_text_exactly(collection: Collection) -> None:
    (nid,) = collection.find_notes('"note:dlexport 용어" "tag:t::term::hostile"')
    note = collection.get_note(nid)
    definition = visible(note["Definition"])
    assert unicodedata.normalize("NFC", HOSTILE) in definition
    assert visible(note["Caption"]).strip() == unicodedata.normalize("NFC", f"캡션 {SHORT}")
    assert [visible(li) for li in re.findall(r"<li>(.*?)</li>", note["KeyPoints"])] == \
        [unicodedata.normalize("NFC", f"요점 {v}") for v in PIECES.values()]


def test_slides_hold_the_same_text(built: Path) -> None:
    deck = Presentation(str(built / f"{NAME}.pptx"))
    shown, notes, alts = [], [], []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.is_placeholder and shape.placeholder_format.type in CHROME:
                continue  # titles and footers: a paragraph continued on the next slide skips them
            if shape.has_text_frame:
                shown.append("".join(r.text for p in shape.text_frame.paragraphs for r in p.runs))
            descr = shape.element.xpath("./*[1]/p:cNvPr/@descr")
            alts += list(descr)
        if slide.has_notes_slide:
            notes.append(slide.notes_slide.notes_text_frame.text)
    on_slides, in_notes = squeeze(" ".join(shown)), squeeze(" ".join(notes))
    for name, piece in PIECES.items():
        assert squeeze(piece) in on_slides, name  # as key points
        assert squeeze(piece) in in_notes, name  # in the definition, in the speaker notes
    caption = squeeze(f"캡션 {SHORT}")
    assert caption[:40] in on_slides and caption in in_notes  # a figure slide may shorten it; its notes don't
    assert f"대체 {SHORT}" in alts


def test_cheatsheet_page_and_markdown_show_the_text(built: Path) -> None:
    page = (built / f"{NAME}.html").read_text(encoding="utf-8")
    elements = Elements()
    elements.feed(page)
    assert elements.tags.count("script") <= 1  # the page's own, never one from content
    assert not [a for a in elements.attributes if a.startswith("on")]
    assert "x" not in elements.sources
    text = visible(re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL))
    for name, piece in PIECES.items():
        assert unicodedata.normalize("NFC", piece) in text, name
    markdown = (built / f"{NAME}.md").read_text(encoding="utf-8")
    assert "<script" not in markdown and "<img" not in markdown


def test_the_figure_with_a_hostile_caption_is_published(built: Path) -> None:
    """The figure with hostile caption was drawn and published like any other."""
    names = [p.name for p in (built / "figures").iterdir()]
    assert any(n.startswith("hostile-net-") for n in names), names


def test_alt_text_with_double_quotes_builds_slides(tmp_path: Path, figure_cache: Path) -> None:
    root = copy_basic(tmp_path / "용어" / "sources")
    term = root / "terms" / "30-rbm.yaml"
    text = term.read_text(encoding="utf-8")
    term.write_text(text.replace("alt: 위쪽", "alt: 이른바 \"이분\" 그래프. 위쪽"), encoding="utf-8")
    result = run_cli("slides", "--sources", root, "--out", tmp_path / "out", "--cache", figure_cache)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    deck = Presentation(str(tmp_path / "out" / f"{NAME}.pptx"))
    alts = [d for s in deck.slides for sh in s.shapes for d in sh.element.xpath("./*[1]/p:cNvPr/@descr")]
    assert any('"이분"' in a for a in alts)
