"""The DuckDB type a column of a given :class:`ColumnType` is stored as.

One mapping for everyone who needs it: the store creates tables with it, and the CHECK analysis
type-checks its DuckDB predicates against the same types, so a predicate accepted there is accepted
by validation on the stored data.
"""

from __future__ import annotations

from .model import ColumnType, Kind

_INT_TYPES = {
    (8, False): "TINYINT", (8, True): "UTINYINT",
    (16, False): "SMALLINT", (16, True): "USMALLINT",
    (24, False): "INTEGER", (24, True): "UINTEGER",  # MEDIUMINT: the range is checked by validation
    (32, False): "INTEGER", (32, True): "UINTEGER",
    (64, False): "BIGINT", (64, True): "UBIGINT",
}

_PLAIN = {
    Kind.BOOL: "BOOLEAN", Kind.DATE: "DATE", Kind.TIME: "TIME", Kind.TIMESTAMP: "TIMESTAMP",
    Kind.TIMESTAMPTZ: "TIMESTAMPTZ", Kind.INTERVAL: "INTERVAL", Kind.UUID: "UUID", Kind.JSON: "JSON",
    Kind.BYTES: "BLOB",
}  # everything else (STRING, ENUM, SET, GEOMETRY as WKT, OTHER) is VARCHAR


def duckdb_type(t: ColumnType) -> str:
    k = t.kind
    if k == Kind.INT:
        if t.bits is None:
            return "UBIGINT" if t.unsigned else "BIGINT"
        return _INT_TYPES.get((t.bits, t.unsigned), "BIGINT")
    if k == Kind.DECIMAL:
        if t.precision is None or t.precision > 38:
            return "DOUBLE"
        p = max(1, t.precision)
        return f"DECIMAL({p},{min(max(0, t.scale or 0), p)})"
    if k == Kind.FLOAT:
        return "REAL" if t.bits == 32 else "DOUBLE"
    if k == Kind.ARRAY:
        return f"{duckdb_type(t.element) if t.element is not None else 'VARCHAR'}[]"
    return _PLAIN.get(k, "VARCHAR")
