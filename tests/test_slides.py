"""Tests for the lecture deck: the plan, the .pptx read back by python-pptx, and LibreOffice's render of it."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

from dlexport.errors import UsageError
from dlexport.model import Asset, Assets, Figure, Glossary, Settings, Term
from dlexport.render import FORMULA, render_image
from dlexport.targets import slide_template, slides
from dlexport.targets.math_speech import speak
from dlexport.targets.slide_plan import (
    DEFAULT_GEOMETRY,
    FORMULA_DPI,
    FORMULA_PT,
    MATH_FLOOR,
    REVIEW_PER_TERM,
    TEXT,
    OverlapError,
    boxes,
    deck_scale,
    overlaps,
    slide_plan,
    text_width,
    wrap,
)
from tests.conftest import artifacts_dir, require_tool
from tests.pdftext import chars as pdf_chars
from tests.pdftext import letters, normalise

EPOCH = 1700000000
LONG_TOKEN = "초" * 10 + "LongUnbrokenTokenWithoutAnySpaces" * 4
LONG_DEFINITION = "이 정의는 발표자 노트에만 들어가는 아주 긴 설명 문장이다. " * 120


def long_term(section: str) -> Term:
    """Return a term with a very long definition, ten key points and one unbreakable token."""
    figure = Figure("long-figure", "image", {}, "세로로 긴 그림의 캡션 " * 6, "세로로 긴 상자와 대각선을 그린 그림.",
                    "long")
    point = "이 항목은 여러 줄에 걸쳐 줄바꿈되도록 일부러 길게 쓴 핵심 내용 문장이다"
    points = [f"핵심 {i}: {point}" for i in range(1, 10)]
    return Term(id="long", section=section, ko="아주 긴 설명을 가진 시험용 용어",
                en="A Term With A Very Long Definition", abbr="LONG", summary="노트를 시험하는 긴 용어.",
                definition=LONG_DEFINITION, key_points=(*points, LONG_TOKEN), formulas=(), figures=(figure,),
                related=("perceptron",), references=(), cloze=(), source=Path("long.yaml"))


def with_long_term(glossary: Glossary) -> Glossary:
    """Return the glossary with `long_term` appended to its first section."""
    first = glossary.sections[0]
    first = dataclasses.replace(first, terms=(*first.terms, long_term(first.id)))
    return dataclasses.replace(glossary, sections=(first, *glossary.sections[1:]))


def make_assets(glossary: Glossary, folder: Path) -> Assets:
    """Return assets drawn here: Pillow pictures (wide and tall) and real mathtext formulas."""
    folder.mkdir(parents=True, exist_ok=True)
    figures, formulas = {}, {}
    for i, f in enumerate(glossary.figures()):
        w, h = (1200, 600) if i % 2 == 0 else (500, 800)
        image = Image.new("RGB", (w, h), "white")
        ImageDraw.Draw(image).rectangle((4, 4, w - 5, h - 5), outline="navy", width=8)
        ImageDraw.Draw(image).line((0, h, w, 0), fill="firebrick", width=10)
        image.save(folder / f"{f.id}.png")
        figures[f.id] = Asset(folder / f"{f.id}.png", w, h, f.alt, f.caption)
    for j, formula in enumerate(x for t in glossary.terms for x in t.formulas):
        path = folder / f"formula-{j}.png"
        path.write_bytes(render_image(FORMULA, {"latex": formula.latex}).png)  # as the pipeline draws them
        with Image.open(path) as image:
            formulas[formula.latex] = Asset(path, image.width, image.height, formula.latex, formula.label)
    return Assets(figures, formulas)


@pytest.fixture(scope="module")
def long_glossary(glossary: Glossary) -> Glossary:
    return with_long_term(glossary)


@pytest.fixture(scope="module")
def deck(long_glossary: Glossary, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Assets]:
    """Build the fixture deck once for the module."""
    tmp = tmp_path_factory.mktemp("deck")
    assets = make_assets(long_glossary, tmp / "assets")
    return slides.build(long_glossary, assets, tmp / "out", Settings(epoch=EPOCH)).paths[0], assets


@pytest.fixture(scope="module")
def prs(deck: tuple[Path, Assets]) -> Any:
    return Presentation(str(deck[0]))


@pytest.fixture(scope="module")
def seed_deck(seed_glossary: Glossary, tmp_path_factory: pytest.TempPathFactory, figure_cache: Path) -> Path:
    """Build the real glossary's deck with the real figures (drawn once a session: the shared figure cache)."""
    from dlexport.render import render_assets

    tmp = tmp_path_factory.mktemp("seed")
    assets, _ = render_assets(seed_glossary, tmp / "out", cache_dir=figure_cache)
    return slides.build(seed_glossary, assets, tmp / "out", Settings(epoch=EPOCH)).paths[0]


WITHOUT_ARIAL_METRICS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>*/liberation/*</glob><glob>*/liberation2/*</glob><glob>*Liberation*</glob>
    <glob>*/urw-base35/*</glob><glob>*Nimbus*</glob>
  </rejectfont></selectfont>
</fontconfig>
"""


def dejavu_for_arial(tmp: Path) -> dict[str, str]:
    """Return an environment whose fontconfig hides Arial's metric twins, so Arial falls back to DejaVu Sans."""
    conf = tmp / "fonts.conf"
    conf.write_text(WITHOUT_ARIAL_METRICS, encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    family = subprocess.run(["fc-match", "-f", "%{family}", "Arial"], env=env, capture_output=True, text=True,
                            check=False).stdout
    if "DejaVu Sans" not in family:
        pytest.skip(f"DejaVu Sans is not what Arial falls back to here ({family!r}): install fonts-dejavu")
    return env


def to_pdf(pptx: Path, tmp: Path, env: dict[str, str] | None = None) -> Path:
    """Convert with LibreOffice headless (own profile and HOME); fail if no PDF appears."""
    soffice = require_tool("soffice")
    out = tmp / "pdf"
    env = {**(env or os.environ), "HOME": str(tmp / "home")}
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(pptx)],
                   env=env, capture_output=True, timeout=300, check=False)
    pdf = out / f"{pptx.stem}.pdf"
    assert pdf.exists(), "LibreOffice wrote no PDF"
    return pdf


@pytest.fixture(scope="module", params=["fixture", "seed"])
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """Render a deck with LibreOffice once, keep PNGs of its pages as test artifacts; return (pdf, deck).

    The fixture deck renders with the machine's fonts (Arial → Liberation Sans); the seed deck with DejaVu
    Sans as Arial's substitute, the wider font LibreOffice falls back to on a machine without Liberation.
    """
    pptx = request.getfixturevalue("deck")[0] if request.param == "fixture" else request.getfixturevalue("seed_deck")
    tmp = tmp_path_factory.mktemp("render")
    path = to_pdf(pptx, tmp, dejavu_for_arial(tmp) if request.param == "seed" else None)
    with pdfplumber.open(path) as doc:
        latin = {c.fontname.split("+")[-1] for page in doc.pages for c in pdf_chars(page) if c.text.isascii()}
    assert any(f.startswith("DejaVuSans" if request.param == "seed" else "LiberationSans") for f in latin), latin
    folder = artifacts_dir(f"slides-{request.param}", tmp_path_factory)
    for old in folder.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(folder / "page")], check=False, timeout=120)
    assert sorted(folder.glob("page-*.png"))
    return path, Presentation(str(pptx))


def titles(prs: Any) -> list[str]:
    return [s.shapes.title.text_frame.text for s in prs.slides]


def test_plan_has_lecture_order(long_glossary: Glossary, deck: tuple[Path, Assets]) -> None:
    plans = slide_plan(long_glossary, deck[1], EPOCH)
    kinds = [p.kind for p in plans]
    assert kinds[:3] == ["title", "agenda", "section"] and kinds[-1] == "references"
    assert kinds.count("section") == kinds.count("review") == len(long_glossary.sections)
    for term in long_glossary.terms:
        own = [p for p in plans if p.term_id == term.id]
        assert own and own[0].title == term.title, term.id
        assert any(p.pictures for p in own) == bool(term.figures or term.formulas), term.id
    written = Presentation(str(deck[0]))
    assert len(written.slides) == len(plans)


def test_build_reports_the_slides_it_wrote(long_glossary: Glossary, deck: tuple[Path, Assets], tmp_path: Path) -> None:
    result = slides.build(long_glossary, deck[1], tmp_path, Settings(epoch=EPOCH))
    assert result.counts == {"slides": len(Presentation(str(result.paths[0])).slides)}


def test_slides_read_back(prs: Any, long_glossary: Glossary, deck: tuple[Path, Assets]) -> None:
    plans = slide_plan(long_glossary, deck[1], EPOCH)
    assert titles(prs) == [p.title for p in plans]
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))
    assert titles(prs)[1] == TEXT["agenda"] and titles(prs)[-1] == TEXT["references"]
    assert f"{long_glossary.sections[0].ko} ({long_glossary.sections[0].en})" in titles(prs)


def test_term_notes_teach_alone(prs: Any, long_glossary: Glossary) -> None:
    by_title = {s.shapes.title.text_frame.text: s for s in prs.slides}
    for term in long_glossary.terms:
        notes = by_title[term.title].notes_slide.notes_text_frame.text
        assert " ".join(term.definition.split())[:40] in " ".join(notes.split())
        for ref in term.references:
            assert ref.cite() in notes
        for rel in term.related:
            known = {t.id: t.title for t in long_glossary.terms}
            assert known.get(rel, rel) in notes


def test_formula_alt_text_is_spoken_korean_and_notes_hold_the_latex(prs: Any, long_glossary: Glossary,
                                                                    seed_glossary: Glossary) -> None:
    for term in long_glossary.terms + seed_glossary.terms:
        for f in term.formulas:
            spoken = speak(f.latex)
            assert spoken and not set(spoken) & set("\\{}"), (term.id, f.latex, spoken)
            assert any("가" <= ch <= "힣" for ch in spoken) or len(f.latex) < 12, (f.latex, spoken)
    latex = {t.title: [f.latex for f in t.formulas] for t in long_glossary.terms}
    seen = 0
    for slide in prs.slides:
        pics = [sh for sh in slide.shapes if sh.shape_type == 13]
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        for formula in latex.get(slide.shapes.title.text_frame.text.split(" (계속)")[0].split(" — ")[0], []):
            assert formula in notes
            seen += 1
        for pic in pics:
            assert not set(pic.element.nvPicPr.cNvPr.get("descr", "")) & set("\\{}")
    assert seen


def test_spoken_forms() -> None:
    assert speak(r"\sigma^{\prime}(x) = \sigma(x)\,(1 - \sigma(x)) \leq \frac{1}{4}") == \
        "σ 프라임 x 는 σ x 곱하기 1 빼기 σ x 이하 4분의 1"
    assert speak(r"\frac{\partial L}{\partial W} = \sum_{t=1}^{T} L_t") == \
        "L 을 W 로 편미분 는 t 는 1 부터 T 까지 합 L t"
    assert speak(r"D^{*}_{G}(x) = \dfrac{p}{q}") == "D 스타 G x 는 q분의 p"
    assert speak(r"h^{(l)} = \sqrt{x^2 + e^{-x}}") == "h 위첨자 l 는 루트 x 제곱 더하기 e 의 마이너스 x 제곱"


def test_review_asks_cloze_facts_in_lecture_order_with_answers_in_notes(prs: Any,
                                                                          long_glossary: Glossary) -> None:
    review = [s for s in prs.slides if s.shapes.title.text_frame.text.startswith(TEXT["review"][:4])]
    assert len(review) >= len(long_glossary.sections)
    shown = "\n".join(sh.text_frame.text for s in review for sh in s.placeholders if sh.placeholder_format.idx == 1)
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in review)
    assert "무엇이며" not in shown and "[[" not in shown
    positions = []
    for term in long_glossary.terms:
        facts = term.cloze[:REVIEW_PER_TERM]
        for fact in facts:
            before, hidden = fact.split("[[")[0], fact.split("[[")[1].split("]]")[0]
            positions.append(shown.index(" ".join(f"{before}{TEXT['blank']}".split())))
            assert hidden in notes and hidden not in shown.replace(" ".join(term.title.split()), "")
        if not facts:
            assert term.title in notes
    assert positions and positions == sorted(positions)


def test_pictures_have_real_alt_text_and_keep_aspect(prs: Any, deck: tuple[Path, Assets]) -> None:
    alts = {a.alt for a in deck[1].figures.values()} | {speak(latex) for latex in deck[1].formulas}
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) >= len(deck[1].figures) + len(deck[1].formulas)
    for pic in pictures:
        descr = pic.element.nvPicPr.cNvPr.get("descr", "")
        assert descr and not descr.endswith(".png") and any(a in descr for a in alts), descr
        w, h = pic.image.size
        assert abs(pic.width / pic.height - w / h) < 0.01 * w / h
        assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
        assert pic.top >= 0 and pic.top + pic.height <= prs.slide_height


def test_every_run_is_korean_with_east_asian_font(prs: Any) -> None:
    parts = [s.element for s in prs.slides] + [s.notes_slide.element for s in prs.slides if s.has_notes_slide]
    runs = 0
    for part in parts:
        for rPr in part.iter(qn("a:rPr"), qn("a:endParaRPr")):
            tags = [c.tag for c in rPr]
            assert rPr.get("lang") == "ko-KR"
            assert tags.index(qn("a:latin")) < tags.index(qn("a:ea")) < tags.index(qn("a:cs"))
            assert rPr.find(qn("a:ea")).get("typeface") == slides.EAST_ASIAN
            runs += 1
        for run in part.iter(qn("a:r"), qn("a:fld")):
            assert run.find(qn("a:rPr")) is not None
    assert runs > 100


def test_autofit_off_on_every_text_frame(prs: Any) -> None:
    for s in prs.slides:
        for body in s.element.iter(qn("a:bodyPr")):
            assert body.find(qn("a:noAutofit")) is not None and body.get("wrap") == "square"


def test_key_points_continue_instead_of_overflowing(prs: Any) -> None:
    term = long_term("x")
    own = [s for s in prs.slides if s.shapes.title.text_frame.text.startswith(term.title)
           and not s.shapes.title.text_frame.text.endswith(TEXT["figure"])]  # its figures' slides come after
    assert len(own) >= 3
    assert all(TEXT["continued"] in s.shapes.title.text_frame.text for s in own[1:])
    text = " ".join(sh.text_frame.text for s in own for sh in s.placeholders if sh.placeholder_format.idx == 1)
    positions = [text.index(f"핵심 {i}:") for i in range(1, 10)]
    assert positions == sorted(positions)
    assert LONG_TOKEN in text  # whole, with no space put into it
    for s in own:
        sizes = {int(r.get("sz")) for r in s.element.iter(qn("a:rPr")) if r.getparent().tag == qn("a:r")}
        assert min(sizes) >= 1200  # footer 12 pt; bullets checked next
        bullets = [r for sh in s.placeholders if sh.placeholder_format.idx == 1
                   for r in sh.element.iter(qn("a:rPr"))]
        assert all(int(r.get("sz")) >= 1800 for r in bullets)


def test_same_input_same_bytes(long_glossary: Glossary, deck: tuple[Path, Assets], tmp_path: Path) -> None:
    again = slides.build(long_glossary, deck[1], tmp_path / "again", Settings(epoch=EPOCH)).paths[0]
    assert again.read_bytes() == deck[0].read_bytes()
    later = slides.build(long_glossary, deck[1], tmp_path / "later", Settings(epoch=EPOCH + 86400)).paths[0]
    assert later.read_bytes() != deck[0].read_bytes()
    props = Presentation(str(later)).core_properties
    assert props.revision == 1 and props.created.timestamp() == EPOCH + 86400 - _utc_offset(props.created)


def _utc_offset(when: Any) -> int:
    from datetime import UTC

    return int(when.replace(tzinfo=UTC).timestamp() - when.timestamp())


def test_template_restyles_and_bad_template_is_a_usage_error(long_glossary: Glossary,
                                                             deck: tuple[Path, Assets], tmp_path: Path) -> None:
    template = slide_template.open_template(None)
    template.slide_layouts[1].placeholders[0].left = Emu(300000)
    template.save(str(tmp_path / "mine.pptx"))
    built = slides.build(long_glossary, deck[1], tmp_path / "t",
                          Settings(EPOCH, {"template": tmp_path / "mine.pptx"})).paths[0]
    assert titles(Presentation(str(built))) == titles(Presentation(str(deck[0])))
    (tmp_path / "bad.pptx").write_text("not a deck")
    with pytest.raises(UsageError):
        slides.build(long_glossary, deck[1], tmp_path / "b", Settings(EPOCH, {"template": tmp_path / "bad.pptx"}))


def test_plan_knows_every_box_and_none_overlap(long_glossary: Glossary, deck: tuple[Path, Assets]) -> None:
    plans = slide_plan(long_glossary, deck[1], EPOCH)
    for plan in plans:
        named = boxes(plan, DEFAULT_GEOMETRY)
        names = [n.split(" ")[0] for n, _ in named]
        assert names.count("title") == 1 and names.count("picture") == len(plan.pictures)
        assert ("footer" in names and "slide" in names) == plan.footer
        assert overlaps(named, DEFAULT_GEOMETRY.size) == [], plan.title


def test_overlaps_finds_intersections_and_boxes_off_the_slide() -> None:
    named = [("a", (0, 0, 100, 100)), ("b", (100, 0, 50, 50)), ("c", (149, 49, 10, 10)), ("d", (-1, 900, 5, 5))]
    assert overlaps(named, (1000, 1000)) == ["d leaves the slide", "b overlaps c"]


def test_a_template_whose_footer_covers_the_body_fails_naming_the_slide(long_glossary: Glossary,
                                                                       deck: tuple[Path, Assets],
                                                                       tmp_path: Path) -> None:
    template = slide_template.open_template(None)
    footer = next(ph for ph in template.slide_layouts[1].placeholders if ph.placeholder_format.idx == 11)
    footer.top = Emu(2000000)
    template.save(str(tmp_path / "footer-up.pptx"))
    with pytest.raises(OverlapError, match=r"^slide 2 \(목차\): body overlaps footer"):
        slides.build(long_glossary, deck[1], tmp_path / "o", Settings(EPOCH, {"template": tmp_path / "footer-up.pptx"}))


def formula_points(prs: Any, formula_pngs: set[bytes]) -> list[float]:
    """Return the point size each formula picture of the deck is set at (its image is 22 pt at 200 dpi)."""
    out = []
    for pic in (sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13):
        if pic.image.blob in formula_pngs:
            emu_per_px = pic.width / pic.image.size[0]
            assert abs(pic.height / pic.image.size[1] - emu_per_px) < 0.01 * emu_per_px  # never stretched
            out.append(FORMULA_PT * emu_per_px / (914400 / FORMULA_DPI))
    return out


def test_every_formula_is_set_at_one_size_of_at_least_18_pt(prs: Any, deck: tuple[Path, Assets],
                                                               seed_deck: Path) -> None:
    fixture = formula_points(prs, {a.path.read_bytes() for a in deck[1].formulas.values()})
    seed_pngs = {p.read_bytes() for p in (seed_deck.parent / "figures").glob("formula-*.png")}
    seed = formula_points(Presentation(str(seed_deck)), seed_pngs)
    assert len(fixture) >= len(deck[1].formulas) and len(seed) >= len(seed_pngs) > 50
    for sizes in (fixture, seed):
        assert min(sizes) >= MATH_FLOOR and max(sizes) <= 1.1 * min(sizes), (min(sizes), max(sizes))


def test_formula_images_are_drawn_at_the_size_the_plan_assumes() -> None:
    import inspect

    from dlexport.diagrams import plots, style

    assert inspect.signature(plots.formula).parameters["fontsize"].default == FORMULA_PT
    assert style.DPI == FORMULA_DPI


def test_a_formula_too_wide_even_at_the_floor_is_a_clear_error(tmp_path: Path) -> None:
    wide = Asset(tmp_path / "f.png", 40_000, 100, r"a + b + \cdots", "")
    with pytest.raises(UsageError, match=r"too wide .* two formulas"):
        deck_scale(Assets({}, {wide.alt: wide}), DEFAULT_GEOMETRY)
    shrunk = Asset(tmp_path / "g.png", 5600, 200, "a", "")  # fits the body only below 24 pt (48 pt images)
    scale = deck_scale(Assets({}, {"a": shrunk}), DEFAULT_GEOMETRY)
    assert MATH_FLOOR <= FORMULA_PT * scale / (914400 / FORMULA_DPI) < 24
    assert 5600 * scale <= DEFAULT_GEOMETRY.body[2]


@settings(max_examples=60, deadline=None)
@given(st.text(st.sampled_from("가나다 abcW→. "), max_size=80), st.integers(60, 400))
def test_wrap_lines_fit_and_keep_text(text: str, width: int) -> None:
    lines = wrap(text, width, 24)
    assert all(text_width(line, 24) <= width or len(line) == 1 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


# ---- LibreOffice's render -----------------------------------------------------------------------------


def test_render_has_one_page_per_slide_and_hangul_in_cjk_font(rendered: tuple[Path, Any]) -> None:
    pdf, prs = rendered
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == len(prs.slides)
        chars = [c for page in doc.pages for c in pdf_chars(page)]
    hangul = [c for c in chars if "가" <= c.text <= "힣"]
    assert len(hangul) > 200
    assert all("CJK" in c.fontname or "Gothic" in c.fontname for c in hangul), {c.fontname for c in hangul}


def test_render_keeps_every_character_inside_its_shape(rendered: tuple[Path, Any]) -> None:
    assert_every_character_inside_its_shape(*rendered)


def assert_every_character_inside_its_shape(pdf: Path, prs: Any) -> None:
    """Every character LibreOffice drew lies on the page and inside the shape whose text it is."""
    tol = 2.0
    with pdfplumber.open(pdf) as doc:
        for number, (slide, page) in enumerate(zip(prs.slides, doc.pages, strict=True), 1):
            chars = pdf_chars(page)  # NFKC: a ligature glyph counts as its letters, whatever the fonts
            for c in chars:
                assert -tol <= c.x0 and c.x1 <= page.width + tol, (number, c.text)
                assert -tol <= c.top and c.bottom <= page.height + tol, (number, c.text)
            for shape in slide.shapes:
                if not shape.has_text_frame or not shape.text_frame.text.strip():
                    continue
                x0, top = shape.left / 12700 - tol, shape.top / 12700 - tol
                x1, bottom = x0 + shape.width / 12700 + 2 * tol, top + shape.height / 12700 + 2 * tol
                inside = letters((c.text for c in chars  # upper: a template may set all caps
                                  if x0 <= c.x0 and c.x1 <= x1 and top <= c.top and c.bottom <= bottom), upper=True)
                expected = letters(shape.text_frame.text, upper=True)
                missing = expected - inside
                assert not missing, (number, shape.name, "".join(missing.elements())[:40])


def test_render_draws_no_text_over_a_picture(rendered: tuple[Path, Any]) -> None:
    """Pictures (pdfplumber's image boxes) stay on the page and clear of every character: title, footer, body."""
    pdf = rendered[0]
    tol = 1.0
    seen = 0
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            chars = pdf_chars(page)
            for image in page.images:
                seen += 1
                x0, x1, top, bottom = image["x0"], image["x1"], image["top"], image["bottom"]
                assert -tol <= x0 and x1 <= page.width + tol and -tol <= top and bottom <= page.height + tol, number
                over = [c.text for c in chars if c.x0 < x1 - tol and x0 + tol < c.x1
                        and c.top < bottom - tol and top + tol < c.bottom]
                assert not over, (number, "".join(over)[:40])
    assert seen >= 3


def test_render_shows_the_pictures_of_every_pictured_term(rendered: tuple[Path, Any], long_glossary: Glossary,
                                                          seed_glossary: Glossary) -> None:
    """Each term with figures or formulas shows a picture on one of its slides (wide formulas get their own)."""
    pdf, prs = rendered
    terms = long_glossary.terms + seed_glossary.terms
    pictured = {t.title for t in terms if t.figures or t.formulas}
    term_titles = pictured - {t.title for t in terms if not (t.figures or t.formulas)}  # a shared title is ambiguous
    with pdfplumber.open(pdf) as doc:
        images: dict[str, int] = {}
        for slide, page in zip(prs.slides, doc.pages, strict=True):
            title = slide.shapes.title.text_frame.text
            for name in (t for t in term_titles if title == t or title.startswith(f"{t} ")):
                images[name] = images.get(name, 0) + len(page.images)
    assert len(images) >= 3
    assert all(images.values()), [t for t, n in images.items() if not n]


def test_a_paragraph_taller_than_a_page_is_split_without_changing_its_text() -> None:
    from dlexport.targets.slide_plan import Para, paginate

    text = "가나다 라마 " * 40 + "x" * 700 + " 끝"
    pages = paginate([Para(text, 24)], (0, 0, 4_000_000, 1_500_000))
    assert len(pages) > 2
    parts = [p.text for page in pages for p in page]
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
    assert "x" * 700 in "".join(parts)  # the long word is cut only by line ends, never by spaces


def test_no_term_of_the_real_sources_leaves_one_bullet_alone_on_a_continuation_slide(
        seed_glossary: Glossary) -> None:
    picture = Asset(Path("figure.png"), 1600, 1000, "", "")  # bullets are paginated the same whatever the picture
    formula = Asset(Path("formula.png"), 600, 80, "", "")
    assets = Assets({f.id: picture for f in seed_glossary.figures()},
                    {f.latex: formula for t in seed_glossary.terms for f in t.formulas})
    plans = slide_plan(seed_glossary, assets, EPOCH)
    lonely = [p.title for p in plans if p.kind == "term" and p.title.endswith(TEXT["continued"]) and len(p.body) == 1]
    assert lonely == []
    assert {p.term_id for p in plans if p.kind == "term"} == {t.id for t in seed_glossary.terms}


# ---- other templates -------------------------------------------------------------------------------------

LIBREOFFICE_TEMPLATES = Path("/usr/lib/libreoffice/share/template/common/presnt")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Convert three of LibreOffice's own Impress templates (.otp) to .pptx, as a user would."""
    soffice = require_tool("soffice")
    names = ["Blue_Curve", "Focus", "Vintage"]
    sources = [LIBREOFFICE_TEMPLATES / f"{n}.otp" for n in names]
    if not all(p.exists() for p in sources):
        pytest.skip("LibreOffice's Impress templates are not installed")
    tmp = tmp_path_factory.mktemp("templates")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless", "--convert-to", "pptx",
                    "--outdir", str(tmp), *map(str, sources)], env={**os.environ, "HOME": str(tmp / "home")},
                   capture_output=True, timeout=300, check=False)
    out = {n: tmp / f"{n}.pptx" for n in names}
    assert all(p.exists() for p in out.values()), "LibreOffice converted no template"
    return out


def office_default(tmp: Path, width: int) -> Path:
    """Return python-pptx's default template (Office's layout order), `width` EMU wide and 7.5 in high."""
    path = tmp / f"office-{width}.pptx"
    slide_template.widen(Presentation(), width).save(str(path))
    return path


ASPECTS = {"4:3": 9144000, "16:10": 10972800}


@pytest.mark.parametrize("name", ["Blue_Curve", "Focus", "Vintage", "4:3", "16:10"])
def test_other_templates_build_and_render_inside_their_boxes(name: str, converted: dict[str, Path],
                                                            long_glossary: Glossary, deck: tuple[Path, Assets],
                                                            tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = office_default(tmp_path, ASPECTS[name]) if name in ASPECTS else converted[name]
    built = slides.build(long_glossary, deck[1], tmp_path / "out",
                         Settings(EPOCH, {"template": template}, verbose=True)).paths[0]
    said = capsys.readouterr().err
    assert "slides: layout 'Title Slide' for title slide" in said and "for section dividers" in said
    prs, own = Presentation(str(built)), Presentation(str(template))
    assert (prs.slide_width, prs.slide_height) == (own.slide_width, own.slide_height)
    if name in ASPECTS:
        assert f"{prs.slide_width / prs.slide_height:.3f}" == {"4:3": "1.333", "16:10": "1.600"}[name]
    def base(prs: Any) -> list[str]:  # the pages differ with the slide size; the slides they continue don't
        return list(dict.fromkeys(t.split(f" {TEXT['continued']}")[0].split(f" — {TEXT['formulas']}")[0]
                                  for t in titles(prs)))

    assert base(prs) == base(Presentation(str(deck[0])))
    if name == "Focus":
        assert len(own.slide_masters) >= 2
    assert_every_character_inside_its_shape(to_pdf(built, tmp_path), prs)


def test_a_template_without_a_title_layout_fails_in_one_line(long_glossary: Glossary, deck: tuple[Path, Assets],
                                                             tmp_path: Path) -> None:
    template = Presentation()
    for layout in template.slide_layouts:
        for ph in list(layout.placeholders):
            if ph.placeholder_format.type in (1, 3):  # TITLE, CENTER_TITLE
                ph.element.getparent().remove(ph.element)
    template.save(str(tmp_path / "untitled.pptx"))
    with pytest.raises(UsageError, match=r"^template has no slide layout with a title and one content placeholder") \
            as error:
        slides.build(long_glossary, deck[1], tmp_path / "o", Settings(EPOCH, {"template": tmp_path / "untitled.pptx"}))
    assert "\n" not in str(error.value)


# ---- lectures and handouts -------------------------------------------------------------------------------


def slide_numbers(prs: Any) -> list[int]:
    """Return the number each slide's slide-number field shows (0: none)."""
    out = []
    for s in prs.slides:
        fields = [f.find(qn("a:t")).text for f in s.element.iter(qn("a:fld"))]
        out.append(int(fields[0]) if fields else 0)
    return out


def test_split_sections_writes_one_lecture_per_section(long_glossary: Glossary, deck: tuple[Path, Assets],
                                                       tmp_path: Path) -> None:
    result = slides.build(long_glossary, deck[1], tmp_path, Settings(EPOCH, {"split": "sections"}))
    paths = list(result.paths)
    sections = [s for s in long_glossary.sections if s.terms]
    assert [p.name for p in paths] == [f"{long_glossary.name}-{n}-{s.id}.pptx" for n, s in enumerate(sections, 1)]
    total = 0
    for n, (path, section) in enumerate(zip(paths, sections, strict=True), 1):
        prs = Presentation(str(path))
        shown = titles(prs)
        total += len(shown)
        assert shown[0] == long_glossary.title and shown[1] == TEXT["agenda"]
        assert f"{n}강" in prs.slides[0].placeholders[1].text_frame.text
        agenda = prs.slides[1].placeholders[1].text_frame.text
        assert all(t.title in agenda for t in section.terms)
        assert not any(t.title in agenda for t in long_glossary.terms if t.section != section.id)
        assert any(t.startswith(TEXT["review"][:4]) for t in shown)
        if any(t.references for t in section.terms):
            assert shown[-1] == TEXT["references"]
        numbers = slide_numbers(prs)
        assert [k for k in numbers if k] == [i for i, k in enumerate(numbers, 1) if k] and numbers[0] == 0
    assert result.counts == {"slides": total}
    long = [s for p in paths for s in Presentation(str(p)).slides
            if s.shapes.title.text_frame.text == long_term("x").title]
    assert "퍼셉트론" in long[0].notes_slide.notes_text_frame.text  # a related term's title, not its id


def test_pdf_writes_the_lecture_and_a_notes_handout(glossary: Glossary, deck: tuple[Path, Assets],
                                                    tmp_path: Path) -> None:
    require_tool("soffice")
    paths = slides.build(glossary, deck[1], tmp_path, Settings(EPOCH, {"pdf": True})).paths
    assert [p.name for p in paths] == [f"{glossary.name}{s}" for s in (".pptx", ".pdf", "-notes.pdf")]
    prs = Presentation(str(paths[0]))
    with pdfplumber.open(paths[1]) as lecture, pdfplumber.open(paths[2]) as notes:
        assert len(lecture.pages) == len(notes.pages) == len(prs.slides)
        handout = "".join("".join(normalise(page.extract_text() or "").split()) for page in notes.pages)
        slides_only = "".join("".join(normalise(page.extract_text() or "").split()) for page in lecture.pages)
    for term in glossary.terms:
        start = "".join(term.definition.split())[:15]
        assert start in handout and start not in slides_only, term.id


def test_pdf_without_libreoffice_says_so_in_one_line(glossary: Glossary, deck: tuple[Path, Assets], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from dlexport.targets import handouts

    monkeypatch.setattr(handouts, "soffice", lambda: None)
    result = slides.build(glossary, deck[1], tmp_path, Settings(EPOCH, {"pdf": True}))
    assert [p.suffix for p in result.paths] == [".pptx"] and result.paths[0].exists()
    assert result.notes == (handouts.MISSING,)  # the pipeline prints it: one line
    assert not list(tmp_path.glob("*.pdf"))


def test_cli_split_and_pdf_outputs_are_in_the_manifest(tmp_path: Path) -> None:
    import json

    from tests.conftest import ROOTS, run_cli

    require_tool("soffice")
    out = tmp_path / "out"
    result = run_cli("all", "--sources", ROOTS / "basic", "--out", out, "--split", "sections", "--pdf", "--verbose")
    assert result.returncode == 0, result.stderr
    assert "slides: layout 'Title, Content'" not in result.stderr and "for section dividers" in result.stderr
    listed = {o["path"] for o in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    decks = sorted(p.name for p in out.glob("*.pptx"))
    assert len(decks) >= 2 and set(decks) <= listed
    for deck in decks:
        stem = deck.removesuffix(".pptx")
        assert {f"{stem}.pdf", f"{stem}-notes.pdf"} <= listed and (out / f"{stem}-notes.pdf").exists()
    again = run_cli("all", "--sources", ROOTS / "basic", "--out", out)  # other options: not "up to date"
    assert again.returncode == 0 and "up to date" not in again.stdout
    listed = {o["path"] for o in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    assert [p for p in listed if p.endswith((".pptx", ".pdf"))] == ["테스트-용어집.pptx"]


# ---- font-independent fit -------------------------------------------------------------------------------

SUBSTITUTES = {  # fontconfig family → (file-name pattern for regular, bold); the fonts a viewer may draw with
    "latin": ("Liberation Sans", "DejaVu Sans"),
    "hangul": ("NanumGothic", "Noto Sans CJK KR"),
}


def installed_advances(family: str, bold: bool) -> dict[str, float] | None:
    """Return {character: advance in 1/1000 em} of an installed font, read from its file, or None if absent."""
    from fontTools.ttLib import TTCollection, TTFont

    from dlexport.fonts import hangul_font

    if family == "NanumGothic":
        path, index = hangul_font(bold), 0
    else:
        out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}",
                              f"{family}:style={'Bold' if bold else 'Regular'}"],
                             capture_output=True, text=True, check=False).stdout.split("\n")
        if len(out) < 3 or family not in out[0].split(","):
            return None
        path, index = Path(out[1]), int(out[2])
    font = TTCollection(str(path)).fonts[index] if path.suffix == ".ttc" else TTFont(str(path))
    upem, hmtx = font["head"].unitsPerEm, font["hmtx"]
    return {chr(cp): hmtx[name][0] * 1000 / upem for cp, name in font.getBestCmap().items()}


def real_width(text: str, latin: dict[str, float], hangul: dict[str, float]) -> float:
    """Return `text`'s width in 1/1000 em as a viewer draws it: Latin script in `latin`, the rest in `hangul`."""
    def one(ch: str) -> float:
        if ch in latin and ch < "\u1100":
            return latin[ch]
        return hangul.get(ch, latin.get(ch, 1000))
    return sum(map(one, text))


@pytest.fixture(scope="module")
def font_pairs() -> list[tuple[str, dict[str, float], dict[str, float], bool]]:
    """Every installed (Latin, Hangul) substitute pair, regular and bold; DejaVu and NanumGothic are required."""
    pairs = []
    for bold in (False, True):
        fonts = {f: installed_advances(f, bold) for group in SUBSTITUTES.values() for f in group}
        if fonts["DejaVu Sans"] is None:
            pytest.skip("DejaVu Sans is not installed (fonts-dejavu)")
        pairs += [(f"{la}+{ha}{' bold' if bold else ''}", lw, hw, bold)
                  for la in SUBSTITUTES["latin"] if (lw := fonts[la]) is not None
                  for ha in SUBSTITUTES["hangul"] if (hw := fonts[ha]) is not None]
    return pairs


def test_width_table_is_at_least_every_installed_substitute(font_pairs: list[Any], seed_glossary: Glossary) -> None:
    """The committed table never measures a glossary character narrower than an installed substitute does."""
    from dlexport.fonts import widest_advance

    shown = (f"{t.title} {t.summary} {' '.join(t.key_points)}" for t in seed_glossary.terms)
    text = "".join(sorted(set("".join(shown))))
    for name, latin, hangul, bold in font_pairs:
        narrow = [ch for ch in text if widest_advance(ch, bold) + 0.5 < real_width(ch, latin, hangul)]
        assert not narrow, (name, "".join(narrow))


def test_every_line_the_plan_accepts_fits_in_the_widest_substitute_font(font_pairs: list[Any],
                                                                        seed_glossary: Glossary) -> None:
    """Each wrapped line of the seed deck (titles, bullets, captions) fits its box in every installed font pair."""
    from dlexport.targets.slide_plan import EMU_PER_PT, INSET_X, Para, _margin, frames, para_lines

    picture = Asset(Path("figure.png"), 1600, 1000, "", "")
    assets = Assets({f.id: picture for f in seed_glossary.figures()},
                    {x.latex: dataclasses.replace(picture, width=900, height=120)
                     for t in seed_glossary.terms for x in t.formulas})
    placed = []
    for plan in slide_plan(seed_glossary, assets, EPOCH):
        title, frame = frames(plan, DEFAULT_GEOMETRY)
        placed.append((Para(plan.title, plan.title_size, bullet=False, bold=True), title))
        placed += [(p, frame) for p in plan.body if frame is not None]
        placed += [(p, b.rect) for b in plan.boxes for p in b.paras]
    checked = 0
    for para, rect in placed:
        room = (rect[2] - 2 * INSET_X - _margin(para)) / EMU_PER_PT  # points, no safety factor
        for line in para_lines(para, rect):
            for name, latin, hangul, bold in font_pairs:
                if bold == para.bold and len(line) > 1:
                    checked += 1
                    assert real_width(line, latin, hangul) * para.size / 1000 <= room, (name, line)
    assert checked > 500


# ---- the default look -------------------------------------------------------------------------------------


def run_colors(shape: Any) -> set[str]:
    return {c.get("val") for r in shape.element.iter(qn("a:rPr")) for c in r.iter(qn("a:srgbClr"))}


def test_default_look_accents_dividers_frames_figures_and_names_the_section_in_the_footer(
        prs: Any, long_glossary: Glossary, deck: tuple[Path, Assets], tmp_path: Path) -> None:
    sections = {s.ko for s in long_glossary.sections}
    kinds = {"section": 0, "framed": 0, "footer": 0}
    for slide in prs.slides:
        if slide.slide_layout.name == "Section Header":
            kinds["section"] += 1
            assert slide.slide_layout.element.find(f"{qn('p:cSld')}/{qn('p:bg')}") is not None
            assert run_colors(slide.shapes.title) == {slides.ON_ACCENT}
        for shape in slide.shapes:
            if shape.shape_type == 13 and shape.element.spPr.find(qn("a:ln")) is not None:
                kinds["framed"] += 1
                assert shape.element.nvPicPr.cNvPr.get("descr") in {a.alt for a in deck[1].figures.values()}
            if shape.is_placeholder and shape.placeholder_format.type == 15:  # footer
                kinds["footer"] += any(f" · {s}" in shape.text_frame.text for s in sections)
    assert kinds["section"] == len(long_glossary.sections) and kinds["framed"] >= 3 and kinds["footer"] >= 5
    accents = [sp for sp in prs.slide_master.shapes if sp.name.startswith("Accent")]
    assert accents and all(str(sp.fill.fore_color.rgb) == slide_template.ACCENT for sp in accents)
    template = office_default(tmp_path, 12192000)  # the same layouts, but the user's: no look is added
    built = slides.build(long_glossary, deck[1], tmp_path / "t", Settings(EPOCH, {"template": template})).paths[0]
    theirs = Presentation(str(built))
    assert not [sp for sp in theirs.slide_master.shapes if sp.name.startswith("Accent")]
    assert all(slides.ON_ACCENT not in run_colors(s.shapes.title) for s in theirs.slides)


def hashed_assets(assets: Assets, folder: Path) -> Assets:
    """Return `assets` copied to files named as the pipeline names them: `<stem>-<sha256 of the bytes>.png`."""

    folder.mkdir(parents=True, exist_ok=True)

    def moved(a: Asset) -> Asset:
        dest = folder / f"{a.path.stem}-{hashlib.sha256(a.path.read_bytes()).hexdigest()[:10]}.png"
        shutil.copyfile(a.path, dest)
        return dataclasses.replace(a, path=dest)

    return Assets({k: moved(a) for k, a in assets.figures.items()}, {k: moved(a) for k, a in assets.formulas.items()})


def edited(glossary: Glossary, change: str) -> Glossary:
    """Return the glossary with one change: a term's text edited, a term inserted, or a term deleted."""
    first = glossary.sections[0]
    terms = list(first.terms)
    if change == "text":
        terms[0] = dataclasses.replace(terms[0], definition=terms[0].definition + " 고친 문장.",
                                       key_points=(*terms[0].key_points[:-1], "고친 핵심 요점"))
    elif change == "insert":
        terms.insert(1, dataclasses.replace(terms[-1], id="inserted", ko="끼워 넣은 용어", figures=()))
    elif change == "delete":
        del terms[0]
    return dataclasses.replace(glossary, sections=(dataclasses.replace(first, terms=tuple(terms)),
                                                   *glossary.sections[1:]))


def repainted(assets: Assets, folder: Path) -> Assets:
    """Return the assets with the first figure redrawn (new pixels, so a new file name, as the pipeline names it)."""
    fid, old = next(iter(sorted(assets.figures.items())))
    with Image.open(old.path) as drawn:
        image = drawn.copy()
    ImageDraw.Draw(image).ellipse((10, 10, 200, 120), fill="seagreen")
    path = folder / f"{fid}.png"
    image.save(path)
    path = path.rename(folder / f"{fid}-{hashlib.sha256(path.read_bytes()).hexdigest()[:10]}.png")
    return Assets({**assets.figures, fid: dataclasses.replace(old, path=path)}, assets.formulas)


@pytest.mark.parametrize("change", ["text", "insert", "delete", "figure"])
def test_an_incremental_build_writes_the_bytes_of_a_cold_build(change: str, glossary: Glossary, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Build, change the glossary or a figure, build again with the memo and the last deck: the same bytes
    as a cold build of the changed glossary; unchanged slides are taken from the memo, not made again."""
    base = hashed_assets(make_assets(glossary, tmp_path / "drawn"), tmp_path / "assets")
    cache, published = tmp_path / "cache", tmp_path / "published"
    made: list[str] = []
    make = slides.Writer.make

    def counted(self: slides.Writer, plan: Any) -> slides.Made:
        made.append(plan.title)
        return make(self, plan)

    monkeypatch.setattr(slides.Writer, "make", counted)
    planned: list[str] = []
    plan_term = slides.term_slides

    def planned_term(titles: Any, term: Term, *args: Any) -> Any:
        planned.append(term.id)
        return plan_term(titles, term, *args)

    monkeypatch.setattr(slides, "term_slides", planned_term)

    def incremental(g: Glossary, assets: Assets, n: int) -> bytes:
        out = slides.build(g, assets, tmp_path / f"stage{n}", Settings(epoch=EPOCH, cache=cache,
                                                                       published=published)).paths[0]
        published.mkdir(exist_ok=True)
        return Path(shutil.copy(out, published / out.name)).read_bytes()

    first = incremental(glossary, base, 1)
    assert made and first == slides.build(glossary, base, tmp_path / "cold0",
                                          Settings(epoch=EPOCH)).paths[0].read_bytes()
    made.clear()
    planned.clear()
    assert incremental(glossary, base, 2) == first and made == planned == []  # every slide from the memo
    changed = edited(glossary, change)
    assets = repainted(base, tmp_path / "assets") if change == "figure" else base
    again = incremental(changed, assets, 3)
    remade, replanned = list(made), set(planned)
    cold = slides.build(changed, assets, tmp_path / "cold", Settings(epoch=EPOCH)).paths[0]
    assert again == cold.read_bytes() != first
    plans = slide_plan(changed, assets, EPOCH)
    touched = {"text": {changed.sections[0].terms[0].id}, "insert": {"inserted"},
               "delete": {glossary.sections[0].terms[0].id},
               "figure": {t.id for t in changed.terms if any(f.id == min(assets.figures) for f in t.figures)}}[change]
    if change in ("insert", "delete"):
        touched |= {t.id for t in changed.terms if touched & set(t.related)}  # their notes name it
    kept = [p for p in plans if p.term_id and p.term_id not in touched]
    assert kept and remade and not {p.title for p in kept} & set(remade), remade  # only what changed was made
    assert replanned <= touched and (replanned == touched or change == "delete")  # nor planned again
    if change in ("text", "figure"):
        assert set(remade) == {p.title for p in plans if p.term_id in touched}


def test_paginate_breaks_where_fits_says_the_page_is_full() -> None:
    """Pages are summed as they grow; each is exactly the longest run `fits` accepts (the float sums agree)."""
    import itertools
    import random

    from dlexport.targets.slide_plan import Para, fits, paginate

    r = random.Random(3)
    rect = (0, 0, 5_000_000, 3_000_000)
    paras = [Para(" ".join("가나다라마"[: r.randint(1, 5)] for _ in range(r.randint(1, 12))), r.choice((14, 18, 24)),
                  level=r.randint(0, 1), number=n if r.random() < 0.3 else 0) for n in range(1, 200)]
    pages = paginate(paras, rect)
    assert [p for page in pages for p in page] == paras and len(pages) > 5
    for page, following in itertools.pairwise(pages):
        assert fits(page, rect) and not fits([*page, following[0]], rect)
