"""JSON Schemas of the source files (draft-07, for editors' yaml-language-server), made from shapes.RECORDS
and the diagram registry: the same definitions the loader enforces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dlexport.diagrams import KINDS, LIMITS, MAX_LIST
from dlexport.shapes import HELP, RECORDS, TEXT, Record

FOLDER = "schema"  # inside sources/
# file name -> the record at its top
FILES = {"glossary.schema.json": "glossary", "term.schema.json": "term", "vocabulary.schema.json": "vocabulary"}
DRAFT = "http://json-schema.org/draft-07/schema#"


def figure_kinds() -> dict[str, Any]:
    """Return what the diagram registry adds to a figure's schema: the kinds, and each kind's `params` (if/then).

    The only place the schema reads KINDS and LIMITS.
    """
    def param(key: str, default: object) -> dict[str, Any]:
        """Return one parameter's schema: the type of its default, its limit, at most MAX_LIST items."""
        if isinstance(default, list):
            sample = default[0] if default else ""
            return {"type": "array", "maxItems": MAX_LIST, "items": param(key, sample), "default": default}
        if isinstance(default, bool):
            return {"type": "boolean", "default": default}
        if isinstance(default, int | float):
            out: dict[str, Any] = {"type": "integer" if isinstance(default, int) else "number", "default": default}
            if key in LIMITS:
                out.update(minimum=-LIMITS[key], maximum=LIMITS[key])
            return out
        return {**TEXT, **({"default": default} if default else {})}

    rules = []
    for name, kind in sorted(KINDS.items()):
        params = {"type": "object", "additionalProperties": False, "description": kind.doc,
                  "properties": {k: param(k, v) for k, v in kind.defaults.items()}}
        then: dict[str, Any] = {"properties": {"params": params}}
        if name == "image":  # its only parameter has no usable default: a picture's path must be given
            params["required"] = ["path"]
            then["required"] = ["params"]
        rules.append({"if": {"properties": {"kind": {"const": name}}, "required": ["kind"]}, "then": then})
    return {"properties": {"kind": {"enum": sorted(KINDS)}}, "allOf": rules}


def _record(record: Record) -> dict[str, Any]:
    """Return the schema of one mapping: its keys, no others, the required ones required."""
    return {"type": "object", "description": record.what, "additionalProperties": False,
            "required": list(record.required), "properties": {**record.required, **record.optional}}


def definitions() -> dict[str, dict[str, Any]]:
    """Return every record's schema by name, keys described (shapes.HELP); a figure's carries the diagram kinds."""
    out = {name: _record(r) for name, r in RECORDS.items()}
    for name, keys in HELP.items():
        properties = out[name]["properties"]
        for key, text in keys.items():
            properties[key] = {**properties[key], "description": text}
    kinds = figure_kinds()
    out["figure"]["properties"] = {**out["figure"]["properties"], **kinds["properties"]}
    out["figure"]["allOf"] = kinds["allOf"]
    return out


def schema(top: str) -> dict[str, Any]:
    """Return the whole schema of a file whose top is the record `top`."""
    defs = definitions()
    return {"$schema": DRAFT, "title": f"dlexport: {RECORDS[top].what}", **defs[top],
            "definitions": {k: v for k, v in defs.items() if k != top}}


def texts() -> dict[str, str]:
    """Return every schema file's text by file name (stable: sorted keys, a final newline)."""
    return {name: json.dumps(schema(top), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            for name, top in FILES.items()}


def write(sources: Path) -> list[Path]:
    """Write the schema files into sources/schema/ and return their paths."""
    folder = sources / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in texts().items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths
