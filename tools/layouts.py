"""Draw the real glossary's figures of some kinds in every layout they draw, and say how each place shows them.

For authors of a kind's slide or phone layout (`diagrams.Kind.layouts`, `legibility.Layout`): writes
`<out>/<figure id>-<layout>.png` (the phone one with its quiz labels hidden, as the figure → term card's
front shows it) and prints, per image, its size, its smallest text as shown there, the bound's verdict and
every pair of texts drawn over each other. Look at the images too: the numbers can't see a label over a line.

    .venv/bin/python tools/layouts.py lstm_cell gru_cell [--out /tmp/layouts]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dlexport import cards, diagrams, legibility
from dlexport.load import load
from dlexport.model import Asset
from dlexport.render import jobs_for, render_image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="+", choices=sorted(diagrams.KINDS))
    parser.add_argument("--out", type=Path, default=Path("/tmp/layouts"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    glossary = load(Path("sources"))
    terms = {fig.id: term for term in glossary.terms for fig in term.figures}
    figures = {fig.id: fig for fig in glossary.figures()}
    for job in jobs_for(glossary):
        if job.kind not in args.kinds:
            continue
        card = render_image(job.kind, job.params)
        hide = cards.quiz_hidden(figures[job.stem], card.texts, terms[job.stem])
        for layout in ("card", *diagrams.KINDS[job.kind].layouts):
            image = card if layout == "card" else render_image(job.kind, job.params,
                                                               hide if layout == "phone" else (), layout)
            path = args.out / f"{job.stem}-{layout}.png"
            path.write_bytes(image.png)
            asset = Asset(path, image.width, image.height, "", "", image.texts)
            text = legibility.smallest(asset)
            why = legibility.problem(asset, layout) or "ok"
            print(f"{path}  {image.width}×{image.height} px, smallest {text.points if text else 0:g} pt: {why}")
            for a, b in legibility.overlaps(image.texts):
                print(f"    overlap: {a!r} / {b!r}")


if __name__ == "__main__":
    main()
