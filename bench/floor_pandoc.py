"""Floor: pandoc writing the same slides as a built deck (titles, bullets, the same pictures, captions, notes).

    python bench/floor_pandoc.py DECK.pptx WORKDIR

Reads the deck with python-pptx (not timed), writes WORKDIR/deck.md in pandoc's Markdown (one `#` slide per
slide; a picture beside bullets as two columns; speaker notes in `::: notes`) and the deck's pictures into
WORKDIR/media, then times `pandoc deck.md -o pandoc.pptx` alone and prints JSON: seconds, slides, pictures.
"""

import json
import pathlib
import re
import subprocess
import sys
import time

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|$~^&@:\"'])")


def esc(text: str) -> str:
    """Return `text` with every character Markdown could read as markup escaped."""
    return SPECIAL.sub(r"\\\1", " ".join(text.split()))


def slide_markdown(slide, media: pathlib.Path, seen: dict[str, str]) -> str:
    """Return one slide as pandoc Markdown."""
    title, bullets, pictures, texts = "", [], [], []
    for shape in slide.shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            name = seen.setdefault(shape.image.sha1, f"{len(seen)}.{shape.image.ext}")
            path = media / name
            if not path.exists():
                path.write_bytes(shape.image.blob)
            pictures.append(f"![{esc(shape.element.nvPicPr.cNvPr.get('descr', ''))}]({path})")
        elif shape.is_placeholder and shape.placeholder_format.type in (1, 3):  # TITLE, CENTER_TITLE
            title = esc(shape.text_frame.text)
        elif shape.has_text_frame and shape.text_frame.text.strip():
            kind = shape.placeholder_format.type if shape.is_placeholder else None
            if kind in (13, 15, 16):  # slide number, footer, date: pandoc adds none
                continue
            lines = [esc(p.text) for p in shape.text_frame.paragraphs if p.text.strip()]
            (bullets if shape.is_placeholder else texts).extend(lines)
    body = "\n".join(f"- {b}" for b in bullets)
    side = "\n\n".join(pictures + texts)
    content = f":::::: columns\n::: column\n{body}\n:::\n::: column\n{side}\n:::\n::::::" if body and side \
        else body or side
    notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
    notes_md = f"\n\n::: notes\n{esc(notes)}\n:::" if notes.strip() else ""
    return f"# {title or '—'}\n\n{content}{notes_md}\n"


def main() -> None:
    """Write the Markdown, time pandoc, print the JSON."""
    deck, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    media = work / "media"
    media.mkdir(parents=True, exist_ok=True)
    seen: dict[str, str] = {}
    slides = list(Presentation(str(deck)).slides)
    md = work / "deck.md"
    md.write_text("\n".join(slide_markdown(s, media, seen) for s in slides), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(["pandoc", str(md), "-o", str(work / "pandoc.pptx")], check=True)
    print(json.dumps({"seconds": time.perf_counter() - start, "slides": len(slides), "pictures": len(seen)}))


if __name__ == "__main__":
    main()
