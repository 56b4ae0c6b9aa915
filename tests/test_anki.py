"""Tests for the Anki target: the .apkg is read back with the real Anki library."""

from __future__ import annotations

import dataclasses
import html
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from dlexport import cards
from dlexport.load import load
from dlexport.model import Glossary, Settings
from dlexport.render import render_assets
from dlexport.targets import anki, anki_history

EPOCH = 1_700_000_000
HOSTILE = "<script>alert(1)</script> {{Front}} {{c1::x}} &amp; [sound:x.mp3]"


Builder = Callable[..., Path]


@pytest.fixture
def build(figure_cache: Path) -> Builder:
    """Return a function that renders a glossary's figures into `out` and builds its package there."""
    def run(glossary: Glossary, out: Path, epoch: int = EPOCH, css: str | None = None) -> Path:
        assets, _ = render_assets(glossary, out, cache_dir=figure_cache, jobs=1)
        return anki.build(glossary, assets, out, Settings(epoch=epoch), css=css).paths[0]
    return run


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Callable[[], Collection]]:
    """Yield a factory of fresh, empty Anki collections; close them all afterwards."""
    opened: list[Collection] = []

    def new() -> Collection:
        folder = tmp_path / f"col{len(opened)}"
        folder.mkdir()
        col = Collection(str(folder / "collection.anki2"))
        opened.append(col)
        return col

    yield new
    for col in opened:
        col.close()


def import_apkg(col: Collection, apkg: Path) -> object:
    """Import `apkg` with Anki's default options and return the import log."""
    req = ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
    log = col.import_anki_package(req).log
    col.models._clear_cache()  # as Anki's GUI does after an operation that changed note types
    return log


def rendered(col: Collection) -> dict[int, tuple[str, str]]:
    """Return every card's rendered question and answer HTML, by card id."""
    return {cid: (col.get_card(cid).question(), col.get_card(cid).answer())
            for cid in col.find_cards("")}


def visible_text(page: str) -> str:
    """Return what a reader sees: the HTML without style blocks and tags, entities decoded."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL).replace(anki.SPLIT, "")  # shows nothing
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of YAML text in a copied source file."""
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    path.write_text(source.replace(old, new), encoding="utf-8")


def test_import_gives_the_planned_notes_cards_and_decks(
        glossary: Glossary, tmp_path: Path, build: Builder, collection: Callable[[], Collection]) -> None:
    col = collection()
    log = import_apkg(col, build(glossary, tmp_path / "out"))
    expected = anki.counts(glossary)
    assert len(log.new) == expected["notes"] == col.note_count()  # type: ignore[attr-defined]
    assert col.card_count() == expected["cards"]
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert names == {"Default", glossary.title, *(f"{glossary.title}::{s.ko}" for s in glossary.sections)}
    occluded = any(f.occlude for f in glossary.figures())
    assert {m["name"] for m in col.models.all() if m["name"].startswith("dlexport")} == \
        {"dlexport 용어", "dlexport 빈칸", *(["dlexport 그림 가리기"] if occluded else [])}
    for term in glossary.terms:
        nids = col.find_notes(f'"tag:{glossary.tag_prefix}::term::{term.id}"')
        assert len(nids) == 1 + len(term.cloze) + len(cards.occluded_figures(term))
        section = next(s for s in glossary.sections if term in s.terms)
        for cid in col.find_cards(f'"tag:{glossary.tag_prefix}::term::{term.id}"'):
            assert col.decks.name(col.get_card(cid).did) == f"{glossary.title}::{section.ko}"
        (term_note,) = [col.get_note(n) for n in nids
                        if "Sort" in col.get_note(n) and col.get_note(n)["Sort"] == anki.sort_key(term)]
        assert [c.ord for c in term_note.cards()] == ([0, 1, 2] if cards.quiz_figures(term) else [0, 1])
    sort_fields = [col.get_note(n)["Sort"] for n in col.find_notes('"note:dlexport 용어"')]
    assert sorted(sort_fields) == sorted(t.title for t in glossary.terms)


def test_every_card_renders_with_its_media(
        glossary: Glossary, tmp_path: Path, build: Builder, collection: Callable[[], Collection]) -> None:
    col = collection()
    import_apkg(col, build(glossary, tmp_path / "out"))
    media = Path(col.media.dir())
    cards = rendered(col)
    assert len(cards) == anki.counts(glossary)["cards"]
    images = 0
    for question, answer in cards.values():
        for page in (question, answer):
            assert visible_text(page).strip(), page
            assert "{{" not in page and "}}" not in page
            for src in re.findall(r'<img src="([^"]+)"', page):
                assert (media / html.unescape(src)).is_file(), src
                images += 1
    assert images >= 2 * sum(len(t.figures) for t in glossary.terms)
    answers = "".join(a for _, a in cards.values())
    assert r"\(y = \mathrm{step}(w \cdot x + b)\)" in answers  # MathJax, literal braces as the editor keeps them
    assert re.search(r'<span class="cloze"[^>]*>선형</span>', answers)
    for term in glossary.terms:
        assert any(term.ko in visible_text(a) for _, a in cards.values())


def test_meaning_card_masks_the_term(glossary: Glossary, tmp_path: Path, build: Builder,
                                     collection: Callable[[], Collection]) -> None:
    summary = "RBM(Restricted Boltzmann Machines)은 제한된 볼츠만 머신의 줄임말이다."
    term = dataclasses.replace(glossary.term("rbm-test"), summary=summary)
    col = collection()
    import_apkg(col, build(_with(glossary, term), tmp_path / "out"))
    (nid,) = col.find_notes('"note:dlexport 용어" "tag:t::term::rbm-test"')
    meaning = next(c for c in col.get_note(nid).cards() if c.ord == 1)
    prompt = visible_text(meaning.question())
    assert "RBM" not in prompt and "Boltzmann" not in prompt and "볼츠만" not in prompt
    assert prompt.count(cards.MASK) == 3
    assert "RBM" in visible_text(meaning.answer())


def test_release_upgrade_keeps_ids_and_reviews(
        basic_copy: Path, tmp_path: Path, build: Builder, collection: Callable[[], Collection]) -> None:
    col = collection()
    first = load(basic_copy)
    import_apkg(col, build(first, tmp_path / "v1"))
    nids, cids = sorted(col.find_notes("")), sorted(col.find_cards(""))
    (old_figure,) = (p.name for p in (tmp_path / "v1" / "figures").glob("perceptron-net-??????????.png"))
    top = col.decks.id_for_name(first.title)
    assert top is not None
    col.decks.select(top)
    answered = set()
    while (card := col.sched.getCard()) is not None and card.id not in answered:
        col.sched.answerCard(card, 4)
        answered.add(card.id)
    assert answered == set(cids)

    term_file = next(basic_copy.glob("terms/10-*.yaml"))
    edit(term_file, "아니면 0을 내보낸다.", "아니면 0을 내보낸다(개정).")
    edit(term_file, "params: {layers: [3, 1]}", "params: {layers: [3, 2]}")
    second = load(basic_copy)
    log = import_apkg(col, build(second, tmp_path / "v2", epoch=EPOCH + 86_400))

    assert not log.new and not log.conflicting  # type: ignore[attr-defined]
    (perceptron,) = col.find_notes('"note:dlexport 용어" "tag:t::term::perceptron"')
    assert {n.id.nid for n in log.updated} == set(nids)  # type: ignore[attr-defined]
    assert sorted(col.find_notes("")) == nids and sorted(col.find_cards("")) == cids
    assert all(not m["name"].endswith("+") for m in col.models.all())
    assert len([m for m in col.models.all() if m["name"].startswith("dlexport")]) == 3  # term, cloze, occlusion
    assert col.db.scalar("select count() from revlog") == len(cids)
    assert all(col.get_card(c).reps == 1 and col.get_card(c).queue == 2 for c in cids)

    note = col.get_note(perceptron)
    assert "아니면 0을 내보낸다(개정)." in note["Definition"]
    *variants, src = re.findall(r'src="([^"]+)"', note["Figure"])  # the phone variant, then the figure
    assert all((Path(col.media.dir()) / v).is_file() for v in variants)
    assert src != old_figure and src.startswith("perceptron-net-")
    assert (Path(col.media.dir()) / src).is_file()
    figure_card = next(c for c in note.cards() if c.ord == 2)
    assert f'src="{src}"' in figure_card.question()


def test_css_only_change_updates_the_note_type_in_place(
        glossary: Glossary, tmp_path: Path, build: Builder, collection: Callable[[], Collection]) -> None:
    col = collection()
    import_apkg(col, build(glossary, tmp_path / "v1"))
    before = {m["id"]: m["name"] for m in col.models.all()}
    css = anki.default_css() + "\n.card { outline: 1px solid #123456; }\n"
    log = import_apkg(col, build(glossary, tmp_path / "v2", epoch=EPOCH + 60, css=css))
    assert not log.new and not log.conflicting  # type: ignore[attr-defined]
    assert {m["id"]: m["name"] for m in col.models.all()} == before
    term_type = col.models.by_name("dlexport 용어")
    assert term_type is not None and term_type["id"] == anki.TERM_MODEL_ID
    assert "#123456" in term_type["css"]
    assert "#123456" in col.get_card(col.find_cards("")[0]).question()


def test_hostile_content_shows_as_literal_text(
        glossary: Glossary, tmp_path: Path, build: Builder, collection: Callable[[], Collection]) -> None:
    term = dataclasses.replace(
        glossary.term("activation"), summary=HOSTILE, definition=HOSTILE, key_points=(HOSTILE,),
        cloze=(f"{HOSTILE} 정답은 [[{{{{c2::y}}}} a::b]]이다.",))
    col = collection()
    import_apkg(col, build(_with(glossary, term), tmp_path / "out"))
    nids = col.find_notes('"tag:t::term::activation"')
    cloze_note = next(col.get_note(n) for n in nids if col.get_note(n).note_type()["name"] == "dlexport 빈칸")
    assert len(cloze_note.cards()) == 1
    pages = [p for c in col.find_cards('"tag:t::term::activation"') for p in
             (col.get_card(c).question(), col.get_card(c).answer())]
    for c in col.find_cards('"tag:t::term::activation"'):
        card = col.get_card(c)
        assert not card.question_av_tags() and not card.answer_av_tags()
    for page in pages:
        assert "<script>" not in page and "{{" not in page and "[sound:" not in page
    answer_text = visible_text(col.get_card(cloze_note.cards()[0].id).answer())
    assert HOSTILE in answer_text and "{{c2::y}} a::b" in answer_text
    assert "[...]" in visible_text(cloze_note.cards()[0].question())
    term_answer = next(p for p in pages if "핵심 정리" in p)
    assert visible_text(term_answer).count(HOSTILE) == 3  # summary, definition, key point
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in term_answer


@pytest.mark.parametrize("source", ["seed", "shared-korean-name"])
def test_no_note_is_a_duplicate(source: str, glossary: Glossary, seed_glossary: Glossary, tmp_path: Path,
                                build: Builder, collection: Callable[[], Collection]) -> None:
    if source == "seed":
        chosen = seed_glossary
    else:  # two terms named 활성화 함수, told apart by their English names
        chosen = _with(glossary, dataclasses.replace(glossary.term("perceptron"), ko="활성화 함수"))
        assert sum(t.ko == "활성화 함수" for t in chosen.terms) == 2
    import anki.lang

    anki.lang.set_lang("en_US")  # find_dupes strips HTML through the current language, as the GUI sets it
    col = collection()
    import_apkg(col, build(chosen, tmp_path / "out"))
    for model, first in (("dlexport 용어", "Term"), ("dlexport 빈칸", "Text")):
        assert col.models.by_name(model)["flds"][0]["name"] == first  # type: ignore[index]
    for field in ("Term", "Text", "Fact", "Id", "Sort"):  # first fields, and those both types might share
        assert col.find_dupes(field) == [], field  # Browse → Notes → Find Duplicates (needs anki.lang set)
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        assert note.fields_check() == 0, note.fields  # the editor's check: NORMAL, not DUPLICATE
    titles = {col.get_note(n)["Term"] for n in col.find_notes('"note:dlexport 용어"')}
    assert titles == {html.escape(t.title, quote=False) for t in chosen.terms}


class InnerHTML(HTMLParser):
    """Re-serialise HTML the way Chromium's innerHTML does, which is what Anki's editor stores."""

    VOID = frozenset({"br", "img", "hr", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        quoted = "".join(f' {k}="{html.escape(v or "", quote=True).replace("&#x27;", chr(39))}"' for k, v in attrs)
        self.out.append(f"<{tag}{quoted}>".replace("\xa0", "&nbsp;"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False).replace("\xa0", "&nbsp;"))

    @classmethod
    def of(cls, field: str) -> str:
        parser = cls()
        parser.feed(field)
        parser.close()
        return "".join(parser.out)


def test_fields_are_in_the_editors_normal_form(seed_glossary: Glossary, glossary: Glossary) -> None:
    quotes = "따옴표 \"q\" 'a' &#123; \xa0nbsp <b>"
    perceptron = glossary.term("perceptron")
    figure = dataclasses.replace(perceptron.figures[0], alt=f"{HOSTILE} {quotes}", caption=HOSTILE)
    hostile = _with(glossary, dataclasses.replace(
        perceptron, summary=f"{HOSTILE} {quotes}", key_points=(HOSTILE, quotes), figures=(figure,),
        cloze=(f"{quotes} [[{HOSTILE}]]",)))
    for g in (seed_glossary, hostile):
        fields = [f for plan in anki.notes(g, anki_history.stand_in_assets(g)) for f in plan.fields]
        assert fields and all(InnerHTML.of(f) == f for f in fields), \
            next((f, InnerHTML.of(f)) for f in fields if InnerHTML.of(f) != f)
    assert InnerHTML.of("a &#123; &quot;b&quot;") == 'a { "b"'  # the parser decodes what the editor decodes


def test_same_input_gives_the_same_bytes(glossary: Glossary, tmp_path: Path, build: Builder) -> None:
    one = build(glossary, tmp_path / "a")
    two = build(glossary, tmp_path / "b")
    later = build(glossary, tmp_path / "c", epoch=EPOCH + 1)
    assert one.read_bytes() == two.read_bytes()
    assert one.read_bytes() != later.read_bytes()
    assert sorted(p.name for p in one.parent.iterdir() if p.is_file()) == [one.name]


def test_counts_do_not_import_genanki() -> None:
    code = ("import sys; from dlexport.load import load; from dlexport.targets import anki; "
            "print(anki.counts(load(__import__('pathlib').Path(sys.argv[1])))); "
            "assert 'genanki' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent / "roots" / "basic")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "{'notes': 6, 'cards': 14}"  # the RBM figure's occlusion note asks its 4 labels


@pytest.mark.parametrize(("fact", "expected"), [
    ("ReLU는 [[max(0, x)]]이다.", "ReLU는 {{c1::max(0, x)}}이다."),
    ("[[a]]와 [[b]]", "{{c1::a}}와 {{c1::b}}"),
    ("{{c3::x}} [[y::z}}]]",
     "{<span></span>{c3::x}<span></span>} {{c1::y:<span></span>:z}<span></span>}<span></span>}}"),
    ("<b>[[&]]</b> \"'\xa0[sound:a] \\(x\\)",
     "&lt;b&gt;{{c1::&amp;}}&lt;/b&gt; \"'&nbsp;[<span></span>sound:a] \\<span></span>(x\\<span></span>)"),
    ("{[[{a}]]}", "{{{c1::{a}<span></span>}}}"),
])
def test_cloze_html_escapes_before_marking(fact: str, expected: str) -> None:
    assert anki.cloze_html(fact) == expected


def test_cloze_html_rejects_a_fact_without_a_hidden_part() -> None:
    with pytest.raises(ValueError, match="hidden"):
        anki.cloze_html("nothing hidden")


def test_mask_and_paragraphs(glossary: Glossary) -> None:
    rbm = glossary.term("rbm-test")
    assert cards.mask("RBMs와 제한된  볼츠만 머신, restricted boltzmann machine; RBMX", rbm) == \
        "＿＿와 ＿＿, ＿＿; RBMX"
    assert cards.paragraphs("가\n나\n\n다\n") == ["가 나", "다"]


def _with(glossary: Glossary, term: object) -> Glossary:
    """Return `glossary` with the term of the same id replaced by `term`."""
    assert isinstance(term, type(glossary.terms[0]))
    sections = tuple(dataclasses.replace(s, terms=tuple(term if t.id == term.id else t for t in s.terms))
                     for s in glossary.sections)
    return dataclasses.replace(glossary, sections=sections)


def test_a_term_with_nothing_to_ask_gets_no_figure_card_but_keeps_its_figure(
        basic_copy: Path, tmp_path: Path, build: Builder, collection: Callable[[], Collection]) -> None:
    edit(basic_copy / "terms" / "30-rbm.yaml", "    params: {visible: 4, hidden: 2}\n",
         "    params: {visible: 4, hidden: 2}\n    quiz: false\n")
    glossary = load(basic_copy)
    rbm = glossary.term("rbm-test")
    assert cards.FIGURE not in [c.type for c in cards.of(rbm)]
    assert cards.FIGURE in [c.type for c in cards.of(glossary.term("perceptron"))]
    col = collection()
    import_apkg(col, build(glossary, tmp_path / "out"))
    assert col.card_count() == anki.counts(glossary)["cards"]  # Anki makes exactly the cards dlexport plans
    (nid,) = col.find_notes('"Id:rbm-test"')
    note = col.get_note(nid)
    assert [c.ord for c in note.cards()] == [0, 1] and note["Figure"] == ""
    answer = note.cards()[0].answer()
    assert re.search(r'<img src="rbm-small-[0-9a-f]{10}\.png"', answer)  # still shown, under the caption
