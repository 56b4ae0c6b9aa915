"""Floors: the glossary's own drawer functions, serially, with the same parameters, saved with a plain
`savefig(bbox_inches="tight")`; and a plain `matplotlib.mathtext.math_to_image` loop over the same formulas.

    python bench/floor_draw.py SOURCES   # prints JSON: seconds (imports excluded) and counts

dlexport is used only to read the sources and resolve each figure's parameters (files named by them);
drawing and encoding are matplotlib's own, with no cache, no pool and no text boxes. Each figure is also
drawn in each of its kind's layouts (slide, phone), as the build draws them (the build's quiz variants, the
card drawing again with some labels hidden, are not: the floor stays a plain script).
"""

import importlib
import io
import json
import sys
import time
from pathlib import Path

import matplotlib
from matplotlib.font_manager import FontProperties
from matplotlib.mathtext import math_to_image

from dlexport import diagrams, legibility
from dlexport.load import load
from dlexport.render import FORMULA, jobs_for

start = time.perf_counter()
jobs = jobs_for(load(Path(sys.argv[1])))
loaded = time.perf_counter()
figures = [j for j in jobs if j.kind != FORMULA]
images = 0
for job in figures:
    module, _, name = diagrams.KINDS[job.kind].drawer.partition(":")
    drawer = getattr(importlib.import_module(module), name)
    for layout in ("card", *diagrams.KINDS[job.kind].layouts):
        extra = {} if layout == "card" else {"layout": legibility.LAYOUTS[layout]}
        fig = drawer(**job.params, **extra)
        fig.savefig(io.BytesIO(), format="png", dpi=200, bbox_inches="tight", pad_inches=0.08, facecolor="white")
        images += 1
drawn = time.perf_counter()
matplotlib.rcParams["mathtext.fontset"] = "dejavusans"  # matplotlib's default, as the build sets it
formulas = [str(j.params["latex"]) for j in jobs if j.kind == FORMULA]
for latex in formulas:
    math_to_image(f"${latex}$", io.BytesIO(), prop=FontProperties(size=48), dpi=200, format="png")
done = time.perf_counter()
print(json.dumps({"load": loaded - start, "figures": drawn - loaded, "figure_count": images,
                  "formulas": done - drawn, "formula_count": len(formulas)}))
