"""JSON Schemas of the source files (draft-07, for editors' yaml-language-server), made from shapes.RECORDS
and the diagram registry: the same definitions the loader enforces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dlexport.diagrams import KINDS, SOURCES, Param
from dlexport.shapes import HELP, RECORDS, TEXT, Record

FOLDER = "schema"  # inside sources/
# file name -> the record at its top
FILES = {"glossary.schema.json": "glossary", "term.schema.json": "term", "vocabulary.schema.json": "vocabulary"}
DRAFT = "http://json-schema.org/draft-07/schema#"


def figure_kinds() -> dict[str, Any]:
    """Return what the diagram registry adds to a figure's schema: the kinds, and each kind's `params` (if/then).

    The only place the schema reads KINDS: each parameter's `Param` (type, default, limits, list length), and
    the askable labels `occlude` may name.
    """
    def scalar(p: Param) -> dict[str, Any]:
        """Return the schema of one value of type `p.type`, within `p`'s limits."""
        if p.type is bool:
            return {"type": "boolean"}
        if p.type in (int, float):
            out: dict[str, Any] = {"type": "integer" if p.type is int else "number"}
            if p.minimum is not None:
                out["minimum"] = p.minimum
            if p.maximum is not None:
                out["maximum"] = p.maximum
            return out
        return dict(TEXT)

    def param(p: Param) -> dict[str, Any]:
        """Return one parameter's schema with its default."""
        if p.is_list:
            return {"type": "array", "maxItems": p.max_items, "items": scalar(p), "default": p.default}
        return {**scalar(p), **({"default": p.default} if p.default not in ("", None) else {})}

    rules = []
    for name, kind in sorted(KINDS.items()):
        params = {"type": "object", "additionalProperties": False, "description": kind.doc,
                  "properties": {k: param(p) for k, p in kind.params.items()}}
        labels = {"type": "array", "items": {"enum": list(kind.labels)}} if kind.labels else {"maxItems": 0}
        occlude = {"anyOf": [{"const": False}, labels]} if kind.labels else {"const": False}
        then: dict[str, Any] = {"properties": {"params": params, "hide": labels, "occlude": occlude}}
        required = [k for k, p in kind.params.items() if p.file == SOURCES]  # a picture's path must be given
        if required:
            params["required"] = required
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
