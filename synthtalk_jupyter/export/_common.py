"""Shared by the file exporters."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..store import qualified, quote_ident


def file_stem(key: str, used: set[str]) -> str:
    """A file name for a table key: letters, digits, ``_-.`` kept; unique (case-insensitively) in ``used``."""
    stem = re.sub(r"[^\w.-]+", "_", key, flags=re.UNICODE).strip("._") or "table"
    base, n = stem, 2
    while stem.lower() in used:
        stem = f"{base}_{n}"
        n += 1
    used.add(stem.lower())
    return stem


def sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _computed(ds: Any, key: str) -> set[str]:
    """SELECT of the columns a file export carries: every stored column except computed ones
    (the real database computes those; the INSERT script omits them too)."""
    computed: set[str] = set()
    try:
        t = ds.schema.tables.get(key)
        if t is not None:
            computed = {c.name.lower() for c in t.columns if c.is_generated}
    except Exception:  # noqa: BLE001 - a schema that no longer parses: export every column
        computed = set()
    return computed


def copy_tables(ds: Any, directory: str | Path, ext: str, options: str) -> list[Path]:
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    paths = []
    with ds.store.connect(read_only=ds.store._ro()) as con:
        for key in ds.tables:
            computed = _computed(ds, key)
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
                "ORDER BY column_index", [ds.name, key]).fetchall()]
            keep = [c for c in cols if c.lower() not in computed] or cols
            path = out_dir / f"{file_stem(key, used)}.{ext}"
            con.execute(f"COPY (SELECT {', '.join(quote_ident(c) for c in keep)} FROM {qualified(ds.name, key)}) "
                        f"TO {sql_string(str(path))} ({options})")
            paths.append(path)
    return paths
