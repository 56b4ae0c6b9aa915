"""Floor: a plain genanki script writing the same notes as dlexport (N terms + N cloze notes, the media).

    python bench/floor_genanki.py N MEDIA_DIR OUT.apkg
"""

import pathlib
import sys

import genanki

n, media = int(sys.argv[1]), sorted(pathlib.Path(sys.argv[2]).glob("*.png"))
names = "Id Sort Korean English Abbr Summary Clue Definition KeyPoints Formula Figure Caption Related References"
term = genanki.Model(1, "term", fields=[{"name": f} for f in names.split()],
                     templates=[{"name": c, "qfmt": "{{Korean}}", "afmt": "{{Definition}}"} for c in "abc"])
cloze = genanki.Model(2, "cloze", fields=[{"name": f} for f in ["Id", "Sort", "Text", "Term", "Extra"]],
                      templates=[{"name": "x", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}"}],
                      model_type=genanki.Model.CLOZE)
deck = genanki.Deck(3, "deck")
for i in range(n):
    picture = f'<img src="{media[i % len(media)].name}">'
    fields = [f"t{i}", str(i), "용어 " * 3, "Term", "T", "요약 " * 8, "요약 " * 8, "정의 " * 70,
              "<ul><li>요점</li></ul>" * 4, r"\(y = \sigma(x)\)", picture, "캡션", "관련", "참고"]
    deck.add_note(genanki.Note(term, fields, guid=f"g{i}"))
    deck.add_note(genanki.Note(cloze, [f"t{i}", str(i), "가나 {{c1::다라}} 마바", "용어", "요약"], guid=f"c{i}"))
genanki.Package(deck, media_files=[str(p) for p in media]).write_to_file(sys.argv[3], timestamp=1700000000)
