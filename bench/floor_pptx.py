"""Floor: a plain python-pptx script writing N pictured slides (title, four bullets, a picture, notes).

    python bench/floor_pptx.py N MEDIA_DIR OUT.pptx
"""

import pathlib
import sys

from pptx import Presentation
from pptx.util import Inches, Pt

n, media = int(sys.argv[1]), sorted(pathlib.Path(sys.argv[2]).glob("*.png"))
prs = Presentation()
prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
for i in range(n):
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = f"용어 {i} (Term {i})"
    box = slide.shapes.add_textbox(Inches(0.5), Inches(1.5), Inches(6), Inches(5)).text_frame
    for _ in range(4):
        p = box.add_paragraph()
        p.text = "핵심 요점 " * 3
        p.font.size = Pt(24)
    slide.shapes.add_picture(str(media[i % len(media)]), Inches(7), Inches(1.5), width=Inches(5.5))
    slide.notes_slide.notes_text_frame.text = "정의 " * 70
prs.save(sys.argv[3])
