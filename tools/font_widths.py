"""Write dlexport/data/font_widths.json: per character, the widest advance among the fonts a viewer may substitute.

The slide plan measures text with this table, not with whatever fonts the building machine has, so a
deck built anywhere wraps the same way and fits in every font a viewer may draw it with:
Latin — Arial, Liberation Sans (metric-compatible with Arial), DejaVu Sans (LibreOffice's fallback when
Arial is missing, and wider); Hangul — Malgun Gothic, NanumGothic (shipped), Noto Sans CJK KR.
Fonts not installed here are skipped and listed in the file. Run it once after installing fonts:

    .venv/bin/python tools/font_widths.py
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from dlexport.fonts import hangul_font

OUT = Path(__file__).resolve().parents[1] / "dlexport" / "data" / "font_widths.json"
FAMILIES = ("Arial", "Liberation Sans", "DejaVu Sans", "Malgun Gothic", "Noto Sans CJK KR")
BLOCKS = (  # the characters a glossary deck may show; others count as 1 em at build time
    (0x20, 0x7E), (0xA0, 0xFF), (0x370, 0x3FF), (0x2000, 0x206F), (0x2070, 0x209F), (0x2100, 0x214F),
    (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x25FF), (0x3000, 0x303F),
    (0x3130, 0x318F), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF),
)


def find(family: str, bold: bool) -> tuple[Path, int] | None:
    """Return (file, face index) of `family` in that weight as fontconfig has it, or None if not installed."""
    pattern = f"{family}:style={'Bold' if bold else 'Regular'}"
    out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", pattern],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    if family not in out[0].split(","):
        return None  # fontconfig substituted another family: not installed
    return Path(out[1]), int(out[2])


def advances(path: Path, index: int) -> dict[int, int]:
    """Return {code point: advance in 1/1000 em} for every character of BLOCKS the font has."""
    font = TTCollection(str(path)).fonts[index] if path.suffix.lower() == ".ttc" else TTFont(str(path))
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    return {cp: round(hmtx[cmap[cp]][0] * 1000 / upem) for lo, hi in BLOCKS for cp in range(lo, hi + 1)
            if cp in cmap}


def runs(widths: dict[int, int]) -> list[list[int]]:
    """Return [first, last, width] runs of consecutive code points with one width."""
    out: list[list[int]] = []
    for cp in sorted(widths):
        if out and out[-1][1] == cp - 1 and out[-1][2] == widths[cp]:
            out[-1][1] = cp
        else:
            out.append([cp, cp, widths[cp]])
    return out


def main() -> None:
    table: dict[str, object] = {"fonts": {}, "missing": []}
    for weight, bold in (("regular", False), ("bold", True)):
        fonts = {f: find(f, bold) for f in FAMILIES}
        fonts["NanumGothic"] = (hangul_font(bold), 0)
        widest: dict[int, int] = {}
        for family, found in fonts.items():
            if found is None:
                table["missing"].append(f"{family} {weight}")  # type: ignore[attr-defined]
                continue
            table["fonts"][f"{family} {weight}"] = found[0].name  # type: ignore[index]
            for cp, w in advances(*found).items():
                widest[cp] = max(w, widest.get(cp, 0))
        table[weight] = runs(widest)
    OUT.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes); missing: {table['missing']}")


if __name__ == "__main__":
    main()
