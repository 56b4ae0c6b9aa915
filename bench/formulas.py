"""Formula images: dlexport's whole path (`render.render_image("formula")`: typeset, draw, crop, encode) against
a plain `matplotlib.mathtext.math_to_image` of the same formulas at the same size, interleaved in one process.

    python bench/formulas.py SOURCES [ROUNDS]   # prints JSON: median ms per image of each, and the ratio
"""

import io
import json
import statistics
import sys
import time
from pathlib import Path

import matplotlib
from matplotlib.font_manager import FontProperties
from matplotlib.mathtext import math_to_image

from dlexport.load import load
from dlexport.render import FORMULA, jobs_for, render_image

formulas = [str(j.params["latex"]) for j in jobs_for(load(Path(sys.argv[1]))) if j.kind == FORMULA]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
matplotlib.rcParams["mathtext.fontset"] = "dejavusans"
render_image(FORMULA, {"latex": "x"})  # warm up both: fonts loaded, modules imported
math_to_image("$x$", io.BytesIO(), prop=FontProperties(size=48), dpi=200, format="png")
plain: list[float] = []
ours: list[float] = []
for _ in range(rounds):
    for latex in formulas:
        t0 = time.perf_counter()
        math_to_image(f"${latex}$", io.BytesIO(), prop=FontProperties(size=48), dpi=200, format="png")
        t1 = time.perf_counter()
        render_image(FORMULA, {"latex": latex})
        t2 = time.perf_counter()
        plain.append(t1 - t0)
        ours.append(t2 - t1)
print(json.dumps({"formulas": len(formulas), "math_to_image_ms": 1000 * statistics.median(plain),
                  "dlexport_ms": 1000 * statistics.median(ours),
                  "ratio_of_sums": sum(ours) / sum(plain)}))
