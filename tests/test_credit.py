"""The original cheatsheet is credited in the sources and in every output, read back the way each is used."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from pptx import Presentation

from dlexport.load import load
from dlexport.model import Assets, Glossary, Settings
from dlexport.render import render_assets
from dlexport.targets import anki, cheatsheet, slides

from .conftest import ROOT, ROOTS, run_cli

EPOCH = 1_700_000_000
AUTHOR, URL = "solaris33", "https://github.com/solaris33/DeepLearning_Cheatsheet_Kor"


@pytest.fixture(scope="module")
def credited(seed_glossary: Glossary) -> Glossary:
    """Return the small fixture glossary carrying the real sources' credit."""
    return dataclasses.replace(load(ROOTS / "basic"), credit=seed_glossary.credit)


@pytest.fixture(scope="module")
def built(credited: Glossary, tmp_path_factory: pytest.TempPathFactory, figure_cache: Path) -> tuple[Path, Assets]:
    out = tmp_path_factory.mktemp("credit")
    assets, _ = render_assets(credited, out, cache_dir=figure_cache, jobs=1)
    return out, assets


def test_the_sources_name_the_original_and_why_it_is_rewritten(seed_glossary: Glossary) -> None:
    credit = seed_glossary.credit
    assert credit is not None and credit.author == AUTHOR and credit.url == URL
    assert "라이선스" in credit.note and "새로 써서" in credit.note
    assert load(ROOTS / "basic").credit is None  # optional


def test_a_credit_without_a_web_address_is_a_source_error(basic_copy: Path) -> None:
    head = basic_copy / "glossary.yaml"
    head.write_text(head.read_text(encoding="utf-8").replace(
        "tag_prefix: t\n", "tag_prefix: t\ncredit:\n  title: 원본\n  author: 누군가\n  url: github 어딘가\n"),
        encoding="utf-8")
    result = run_cli("check", "--sources", basic_copy)
    assert result.returncode == 1
    assert "glossary.yaml:12:8: `url` `github 어딘가` is not a web address — write it as https://…" in result.stderr


def test_readme_has_a_credits_section() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    credits = readme.split("\n## Credits\n", 1)[1].split("\n## ", 1)[0]
    assert AUTHOR in credits and URL in credits and "no licence file" in credits and "rewritten" in credits


def test_title_slide_notes_credit_the_original(credited: Glossary, built: tuple[Path, Assets]) -> None:
    out, assets = built
    prs = Presentation(str(slides.build(credited, assets, out, Settings(epoch=EPOCH)).paths[0]))
    notes = prs.slides[0].notes_slide.notes_text_frame.text
    assert AUTHOR in notes and URL in notes and "라이선스" in notes


def test_study_page_footer_and_markdown_credit_the_original(credited: Glossary, built: tuple[Path, Assets]) -> None:
    out, assets = built
    md = cheatsheet.build(credited, assets, out, Settings(epoch=EPOCH)).paths[0]
    tail = md.read_text(encoding="utf-8").rsplit("\n---\n", 1)[1]
    assert f"]({URL}) — {AUTHOR}." in tail and "라이선스" in tail
    page = md.with_suffix(".html").read_text(encoding="utf-8")
    footer = re.search(r'<footer class="colophon">(.*?)</footer>', page, re.S)
    assert footer and f'<a href="{URL}">' in footer.group(1) and AUTHOR in footer.group(1)


def test_deck_description_credits_the_original(credited: Glossary, built: tuple[Path, Assets],
                                               tmp_path: Path) -> None:
    out, assets = built
    apkg = anki.build(credited, assets, out, Settings(epoch=EPOCH)).paths[0]
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions()))
        deck = col.decks.by_name(credited.title)
        assert deck is not None
        desc = html.unescape(str(deck["desc"]))
    finally:
        col.close()
    assert f'<a href="{URL}">' in desc and AUTHOR in desc and "라이선스" in desc
