"""Tests for the asset stage: content-named PNGs, verified cache, lazy matplotlib, parallel == serial."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from dlexport.model import Assets, Figure, Formula, Glossary, Section, Term
from dlexport.render import NAMED, RenderStats, contact_sheet, png_size, render_assets, render_image

if TYPE_CHECKING:
    import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHEAP = [("rbm", {"visible": 4, "hidden": 2}), ("feedforward", {"layers": [2, 3, 1]}),
         ("cnn", {}), ("rnn", {"steps": 2}), ("rnn", {"unrolled": False}), ("rbm", {"visible": 3})]


def synthetic(count: int = len(CHEAP), base_dir: Path = ROOT / "sources", image: str = "") -> Glossary:
    """Return a glossary of `count` cheap figures (CHEAP, then dropout nets by seed) and two formulas."""
    kinds = [*CHEAP, *(("dropout", {"seed": i}) for i in range(len(CHEAP), count))]
    figures = [Figure(id=f"fig-{i}", kind=kind, params=params, caption=f"그림 {i}", alt=f"대체 텍스트 {i}",
                      term_id="t", base_dir=base_dir) for i, (kind, params) in enumerate(kinds[:count])]
    if image:
        figures.append(Figure(id="pic", kind="image", params={"path": image}, caption="사진", alt="사진",
                              term_id="t", base_dir=base_dir))
    term = Term(id="t", section="s", ko="용어", en="Term", abbr="", summary="", definition="", key_points=(),
                formulas=(Formula(r"f(x) = \max(0, x)"), Formula(r"\sigma(x) = \frac{1}{1 + e^{-x}}")),
                figures=tuple(figures), related=(), references=(), cloze=(), source=base_dir / "t.yaml")
    return Glossary(id="g", title="제목", subtitle="", author="", version="1", language="ko", tag_prefix="dl",
                    name="g", sections=(Section(id="s", ko="이론", en="Theory", terms=(term,)),))


def files(out: Path) -> dict[str, bytes]:
    """Return every file in out/figures by name."""
    return {p.name: p.read_bytes() for p in sorted((out / "figures").iterdir())}


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Assets, RenderStats]:
    """Return (out, assets, stats) of one cold, serial render of `synthetic()`; its cache is in out/.cache.

    Tests read it, or copy `out` (`warm_copy`) to change it: each synthetic figure is drawn once here.
    """
    out = tmp_path_factory.mktemp("cold")
    assets, stats = render_assets(synthetic(), out, jobs=1)
    return out, assets, stats


def warm_copy(cold: tuple[Path, Assets, RenderStats], dest: Path) -> Path:
    """Return a copy of the cold render's folder (figures and cache) at `dest`."""
    return Path(shutil.copytree(cold[0], dest, symlinks=True))


def test_assets_are_content_named_pngs_with_alt_and_caption(cold: tuple[Path, Assets, RenderStats]) -> None:
    tmp_path, assets, stats = cold
    published = 8 + sum(len(a.variants()) - 1 for a in assets.figures.values())  # and slide and phone variants
    assert (stats.cached, stats.rendered) == (0, stats.total) and stats.total >= published > 8
    assert len(assets.figures) == 6 and len(assets.formulas) == 2
    fig = assets.figures["fig-0"]
    assert NAMED.match(fig.path.name) and fig.path.name.startswith("fig-0-")
    assert (fig.alt, fig.caption) == ("대체 텍스트 0", "그림 0")
    assert png_size(fig.path.read_bytes()) == (fig.width, fig.height)
    assert fig.width <= 1700
    formula = assets.formulas[r"f(x) = \max(0, x)"]
    assert formula.path.name.startswith("formula-") and 40 < formula.height < 200
    assert len(files(tmp_path)) == published


def test_two_builds_are_byte_identical_and_warm_build_renders_nothing(cold: tuple[Path, Assets, RenderStats],
                                                                     tmp_path: Path) -> None:
    _, again = render_assets(synthetic(), tmp_path / "b", jobs=1)
    assert again.rendered == cold[2].rendered
    assert files(cold[0]) == files(tmp_path / "b")
    _, stats = render_assets(synthetic(), warm_copy(cold, tmp_path / "a"), jobs=1)
    assert (stats.cached, stats.rendered) == (cold[2].total, 0)
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_warm_build_does_not_import_matplotlib(cold: tuple[Path, Assets, RenderStats], tmp_path: Path) -> None:
    tmp_path = warm_copy(cold, tmp_path / "out")
    script = ("import sys; from pathlib import Path; from tests.test_render import synthetic; "
              "from dlexport.render import render_assets; "
              f"a, s = render_assets(synthetic(), Path({str(tmp_path)!r}), jobs=1); "
              "print(s.cached, s.rendered, sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(cold[2].total), "0", "[]"]


def test_corrupt_or_missing_cache_entries_are_rendered_again(cold: tuple[Path, Assets, RenderStats],
                                                             tmp_path: Path) -> None:
    cache = warm_copy(cold, tmp_path / "out") / ".cache" / "figures"
    before = files(tmp_path / "out")
    pngs = sorted(cache.glob("*.png"))
    pngs[0].write_bytes(pngs[0].read_bytes()[:100])  # truncated
    meta = sorted(cache.glob("*.json"))[1]
    meta.write_text(json.dumps({"sha256": "0" * 64, "width": 1, "height": 1}))  # lies about the PNG
    sorted(cache.glob("*.json"))[2].unlink()
    _, stats = render_assets(synthetic(), tmp_path / "out", cache_dir=cache, jobs=1)
    assert stats.rendered == 3 and stats.cached == cold[2].total - 3
    assert files(tmp_path / "out") == before


def _png_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the PNG files read to be hashed from now on (`manifest.Digests` reads only files whose stamp it
    does not know); files written a moment ago count as settled (no RACY_NS window)."""
    from dlexport import manifest

    calls: list[str] = []
    real = manifest._sha256

    def counted(path: str | Path) -> str:
        if str(path).endswith(".png"):
            calls.append(str(path))
        return real(path)
    monkeypatch.setattr(manifest, "_sha256", counted)
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    return calls


def test_a_warm_check_hashes_only_pngs_whose_stamp_changed(cold: tuple[Path, Assets, RenderStats], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    cache = warm_copy(cold, tmp_path / "copy") / ".cache" / "figures"
    hashed = _png_reads(monkeypatch)
    total = cold[2].total  # the figures, their variants and the formulas
    _, stats = render_assets(synthetic(), tmp_path / "a", cache_dir=cache, jobs=1)
    assert stats.cached == total and len(hashed) == total  # a copied cache (new inodes) is verified, then stamped
    hashed.clear()
    _, stats = render_assets(synthetic(), tmp_path / "b", cache_dir=cache, jobs=1)
    assert stats.cached == total and hashed == []  # though publishing "a" linked each file (a new ctime)
    png = sorted(cache.glob("*.png"))[3]
    data = bytearray(png.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, new mtime: damaged in place
    png.write_bytes(bytes(data))
    _, stats = render_assets(synthetic(), tmp_path / "b", cache_dir=cache, jobs=1)
    assert (stats.cached, stats.rendered) == (total - 1, 1) and hashed == [str(png)]  # verified; the new one stored
    assert files(tmp_path / "b") == files(cold[0])
    # "a" published a link to the file damaged in place (its manifest stamps see the new mtime): its next
    # build replaces it with the new drawing
    assert files(tmp_path / "a") != files(cold[0])
    _, stats = render_assets(synthetic(), tmp_path / "a", cache_dir=cache, jobs=1)
    assert stats.cached == total and files(tmp_path / "a") == files(cold[0])


def test_a_cache_file_changed_in_place_with_its_mtime_set_back_is_verified_again(
        cold: tuple[Path, Assets, RenderStats], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = warm_copy(cold, tmp_path / "copy") / ".cache" / "figures"
    hashed = _png_reads(monkeypatch)
    render_assets(synthetic(), tmp_path / "a", cache_dir=cache, jobs=1)
    hashed.clear()
    png = sorted(cache.glob("*.png"))[2]
    before = png.stat()
    data = bytearray(png.read_bytes())
    data[len(data) // 2] ^= 0xFF
    with png.open("r+b") as f:  # the same inode, the same size, and then the same mtime: only the ctime moves
        f.write(bytes(data))
    os.utime(png, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = png.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    _, stats = render_assets(synthetic(), tmp_path / "b", cache_dir=cache, jobs=1)
    assert hashed == [str(png)] and (stats.cached, stats.rendered) == (cold[2].total - 1, 1)
    assert files(tmp_path / "b") == files(cold[0])


def test_published_figures_are_links_to_verified_cache_files_or_copies(cold: tuple[Path, Assets, RenderStats],
                                                                       tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache = cold[0] / ".cache" / "figures"
    assets, _ = render_assets(synthetic(), tmp_path / "linked", cache_dir=cache, jobs=1)
    for asset in [*assets.figures.values(), *assets.formulas.values()]:
        assert asset.path.stat().st_nlink >= 2 and any(os.path.samefile(asset.path, c) for c in cache.glob("*.png"))

    def no_links(src: object, dst: object) -> None:
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(os, "link", no_links)
    assets, _ = render_assets(synthetic(), tmp_path / "copied", cache_dir=cache, jobs=1)
    assert all(a.path.stat().st_nlink == 1 for a in assets.figures.values())
    assert files(tmp_path / "copied") == files(tmp_path / "linked") == files(cold[0])


def test_parallel_and_serial_builds_are_identical(cold: tuple[Path, Assets, RenderStats], tmp_path: Path) -> None:
    serial = cold[2]
    _, parallel = render_assets(synthetic(), tmp_path / "parallel", jobs=2)
    assert serial.rendered == parallel.rendered > 8  # more than four misses: drawn by a pool of two
    assert files(cold[0]) == files(tmp_path / "parallel")


def test_stale_figures_are_removed_and_other_files_kept(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "old-figure-0123456789.png").write_bytes(b"x")
    (tmp_path / "figures" / "notes.txt").write_text("keep")
    render_assets(synthetic(2), tmp_path, jobs=1)
    names = set(files(tmp_path))
    assert "old-figure-0123456789.png" not in names and "notes.txt" in names
    render_assets(synthetic(1), tmp_path, jobs=1)
    assert not any(n.startswith("fig-1-") for n in files(tmp_path))


def test_image_kind_is_resolved_and_keyed_by_its_bytes(tmp_path: Path) -> None:
    from matplotlib.figure import Figure as MplFigure

    src = tmp_path / "sources"
    (src / "images").mkdir(parents=True)
    names = []
    for color in ("red", "blue"):
        pic = MplFigure(figsize=(2, 1), facecolor=color)
        pic.savefig(src / "images" / "사진.png", dpi=100, metadata={"Software": None})
        assets, stats = render_assets(synthetic(0, src, "images/사진.png"), tmp_path / "out", jobs=1)
        names.append(assets.figures["pic"].path.name)
    assert (stats.rendered, stats.cached) == (1, 2)  # same path, new bytes: a new key
    assert names[0] != names[1] and assets.figures["pic"].width > 100


def test_bad_formula_names_the_formula(tmp_path: Path) -> None:
    glossary = synthetic(0)
    term = glossary.sections[0].terms[0]
    bad = Term(**{**term.__dict__, "formulas": (Formula(r"x \notacommand y"),)})
    broken = Glossary(**{**glossary.__dict__, "sections": (Section("s", "이론", "Theory", (bad,)),)})
    with pytest.raises(ValueError, match="notacommand"):
        render_assets(broken, tmp_path, jobs=1)


def test_contact_sheet_shows_every_figure(cold: tuple[Path, Assets, RenderStats], tmp_path: Path) -> None:
    assets = cold[1]
    contact_sheet(assets, tmp_path / "sheet.png")
    width, height = png_size((tmp_path / "sheet.png").read_bytes())
    assert width > 1000 and height > 500
    assert os.path.getsize(tmp_path / "sheet.png") > 20_000


def _ink(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as im:
        return np.asarray(im.convert("L")).astype(int)


def test_label_boxes_hold_exactly_the_ink_of_their_text() -> None:
    """Each askable label's recorded box contains every pixel that drawing the label changes, and nothing
    drawn elsewhere moves when it is hidden: checked by rendering the figure again with one label as "?"."""
    full = render_image("lstm_cell", {"peepholes": False})
    boxes = {t.label: t.box for t in full.texts if t.label}
    assert set(boxes) == {"input_gate", "output_gate", "forget_gate", "cell", "cec", "cell_input",
                          "cell_output", "memory_block"}
    base = _ink(full.png)
    for name, (x0, y0, x1, y1) in boxes.items():
        hidden = render_image("lstm_cell", {"peepholes": False}, hide=(name,))
        changed = np.abs(_ink(hidden.png) - base) > 0
        ys, xs = np.nonzero(changed)
        assert len(xs), name
        assert x0 <= xs.min() and xs.max() < x1 and y0 <= ys.min() and ys.max() < y1, name
        assert "?" in [t.text for t in hidden.texts if t.label == name]


def test_cached_assets_keep_the_placed_texts(tmp_path: Path) -> None:
    cold, _ = render_assets(synthetic(1), tmp_path, jobs=1)
    warm, stats = render_assets(synthetic(1), tmp_path, jobs=1)
    assert stats.rendered == 0
    assert cold.figures["fig-0"].texts and warm.figures["fig-0"].texts == cold.figures["fig-0"].texts
    width, height = cold.figures["fig-0"].width, cold.figures["fig-0"].height
    assert all(0 <= t.box[0] < t.box[2] <= width and 0 <= t.box[1] < t.box[3] <= height
               for t in cold.figures["fig-0"].texts)


def test_ink_far_past_the_figure_is_kept_and_boxed() -> None:
    """A text reaching further past the figure's edge than the drawn margin is not clipped: the canvas grows."""
    from dlexport.diagrams import style

    fig = style.new_figure(1.0, 1.0)
    with style.styled():
        fig.text(0.1, 0.5, "멀리 있는 글자 " * 4, fontsize=20)  # about 7 inches wide on a 1-inch figure
    drawing = style.draw(fig)
    width, height = png_size(drawing.png)
    (placed,) = drawing.texts
    left, top, right, bottom = placed.box
    assert right - left > 5 * style.DPI and left >= 0 and right <= width and 0 <= top < bottom <= height
    ink = _ink(drawing.png)
    assert (ink[:, right + 1:] == 255).all() and (ink[:, :max(0, left - 1)] == 255).all()
    assert (ink[:, right - 30:right] < 255).any()  # the last letters are there


def test_png_encoder_round_trips_opaque_and_transparent_pixels() -> None:
    import io

    import numpy as np
    from PIL import Image

    from dlexport.diagrams.style import encode_png

    rng = np.random.default_rng(0)
    opaque = rng.integers(0, 256, (7, 5, 4), dtype=np.uint8)
    opaque[..., 3] = 255
    clear = opaque.copy()
    clear[2, 3, 3] = 0
    for rgba, mode in ((opaque, "RGB"), (clear, "RGBA")):
        image = Image.open(io.BytesIO(encode_png(rgba)))
        assert image.mode == mode
        assert np.array_equal(np.asarray(image.convert("RGBA")), rgba)
    assert encode_png(opaque) == encode_png(opaque.copy())


def test_a_forked_drawing_worker_gets_its_own_mathtext_parser() -> None:
    """Forked workers must not draw with the parent's cached glyphs: their FT2Fonts share file offsets."""
    from dlexport.diagrams import style

    parent = style.mathtext()
    parent.parse("$x^2$", dpi=200)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports whether it got a parser of its own, then leaves without cleanup
        os.write(write, b"own" if style.mathtext() is not parent else b"shared")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 16) == b"own"
    os.close(read)
    os.close(write)


def test_a_warm_build_checks_only_the_figures_whose_image_or_term_names_changed(
        cold: tuple[Path, Assets, RenderStats], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from dlexport import cards

    out = warm_copy(cold, tmp_path / "out")
    render_assets(synthetic(), out, jobs=1)
    checked: list[str] = []
    real = cards.names_term

    def counted(text: str, term: Term) -> bool:
        checked.append(text)
        return real(text, term)
    monkeypatch.setattr(cards, "names_term", counted)
    render_assets(synthetic(), out, jobs=1)
    assert checked == []  # every figure's quiz labels and leaks are kept by its cache key and its term's names
    glossary = synthetic()
    section = glossary.sections[0]
    renamed = replace(glossary, sections=(replace(section, terms=(replace(section.terms[0], ko="다른 용어"),)),))
    render_assets(renamed, out, jobs=1)
    assert len(checked) >= len(CHEAP)  # another name: each figure is asked again whether it names its term


def test_a_figure_drawn_again_keeps_its_cached_variants_and_draws_damaged_ones(
        cold: tuple[Path, Assets, RenderStats], tmp_path: Path) -> None:
    from dlexport import cards
    from dlexport.render import jobs_for, text_variants

    cache = warm_copy(cold, tmp_path / "out") / ".cache" / "figures"
    before = files(tmp_path / "out")
    glossary = synthetic()
    term = glossary.terms[0]
    fig = next(f for f in term.figures if cold[1].figures[f.id].phone)  # drawn in the task of its card
    card = next(j for j in jobs_for(glossary) if j.stem == fig.id)
    hide = cards.quiz_hidden(fig, cold[1].figures[fig.id].texts, term)
    variants = [job for _, job in text_variants(fig, card, hide)]
    (cache / f"{card.key}.png").unlink()
    damaged = cache / f"{variants[0].key}.png"  # there, so the card's task leaves it: verified, then drawn
    damaged.write_bytes(damaged.read_bytes()[:100])
    _, stats = render_assets(glossary, tmp_path / "out", cache_dir=cache, jobs=1)
    assert stats.rendered == 2 and stats.cached == cold[2].total - 2
    assert files(tmp_path / "out") == before
