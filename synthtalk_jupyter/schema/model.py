"""The schema model: what a DDL script says about tables, columns and constraints.

This is the one contract shared by the parser (``schema.parse``), the generation
engine, the store, the validator, the exporters and the chat engine. It is plain
data (dataclasses); sqlglot expressions are kept for CHECK constraints and
computed columns so that nobody has to re-parse SQL text.

Identifiers keep the spelling of the DDL (quotes removed). Lookups are
case-insensitive, as in most engines.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from sqlglot import exp


class Kind(str, enum.Enum):
    """Canonical value kinds the engine knows how to generate."""

    INT = "int"
    DECIMAL = "decimal"
    FLOAT = "float"
    BOOL = "bool"
    STRING = "string"
    DATE = "date"
    TIME = "time"
    TIMESTAMP = "timestamp"
    TIMESTAMPTZ = "timestamptz"
    INTERVAL = "interval"
    UUID = "uuid"
    JSON = "json"
    BYTES = "bytes"
    ENUM = "enum"
    SET = "set"  # MySQL SET: comma-separated subset of values
    ARRAY = "array"
    GEOMETRY = "geometry"  # spatial types: generated as WKT points
    OTHER = "other"  # xml, hierarchyid, tsvector, vector ...: see ColumnType.raw


INT_RANGES: dict[tuple[int, bool], tuple[int, int]] = {
    (8, False): (-128, 127),
    (8, True): (0, 255),
    (16, False): (-32768, 32767),
    (16, True): (0, 65535),
    (24, False): (-8388608, 8388607),
    (24, True): (0, 16777215),
    (32, False): (-2147483648, 2147483647),
    (32, True): (0, 4294967295),
    (64, False): (-9223372036854775808, 9223372036854775807),
    (64, True): (0, 18446744073709551615),
}


@dataclass
class ColumnType:
    """A column's type, reduced to what generation and validation need.

    ``raw`` is the type as written (e.g. ``NVARCHAR(40)``, ``mpaa_rating``,
    ``[dbo].[Name]``), ``sql`` the resolved base type in the source dialect
    (domains and alias types resolved), used when re-emitting DDL.
    """

    kind: Kind
    raw: str = ""
    sql: str = ""
    length: int | None = None  # max characters (strings) or bytes (binary)
    fixed: bool = False  # CHAR(n): padded, exactly n
    precision: int | None = None  # DECIMAL(p, s)
    scale: int | None = None
    bits: int | None = None  # INT: 8, 16, 24, 32, 64 ; FLOAT: 32 or 64
    unsigned: bool = False
    values: tuple[str, ...] = ()  # ENUM / SET members
    element: ColumnType | None = None  # ARRAY element type
    dimension: int | None = None  # vector(n) and the like

    def int_range(self) -> tuple[int, int]:
        """Inclusive range an INT column (or a DECIMAL's integer part) can hold."""
        if self.kind == Kind.DECIMAL:
            p = self.precision or 18
            s = self.scale or 0
            hi = 10 ** (p - s) - 1
            return (-hi, hi)
        return INT_RANGES.get((self.bits or 32, self.unsigned), INT_RANGES[(32, False)])


@dataclass
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    default: str | None = None  # default expression as written
    identity: bool = False  # IDENTITY / SERIAL / AUTO_INCREMENT / nextval(...) / rowid alias
    generated: exp.Expression | None = None  # computed column: never generated into
    generated_sql: str | None = None
    comment: str | None = None

    @property
    def is_generated(self) -> bool:
        return self.generated is not None or self.generated_sql is not None


@dataclass
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str  # Table.key of the referenced table
    ref_columns: tuple[str, ...]  # resolved (PK of ref_table when the DDL gave none)
    name: str | None = None
    on_delete: str | None = None
    on_update: str | None = None


@dataclass
class Check:
    expression: exp.Expression  # parsed in the source dialect
    sql: str  # as written (source dialect)
    name: str | None = None
    columns: tuple[str, ...] = ()  # columns the expression references


@dataclass
class Table:
    name: str
    schema: str | None = None  # namespace (dbo, public, HumanResources ...)
    columns: list[Column] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    line: int | None = None  # line of the CREATE TABLE statement
    key: str = ""  # unique, case-preserving identifier in the Schema (set by Schema.add)
    partition_of: str | None = None  # key of the parent of a declarative partition
    comment: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        low = name.lower()
        for c in self.columns:
            if c.name.lower() == low:
                return c
        raise KeyError(f"table {self.qualified_name} has no column {name!r}")

    def has_column(self, name: str) -> bool:
        try:
            self.column(name)
            return True
        except KeyError:
            return False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def generated_columns(self) -> list[Column]:
        """Columns the engine writes values into (computed columns excluded)."""
        return [c for c in self.columns if not c.is_generated]

    def unique_sets(self) -> list[tuple[str, ...]]:
        """Primary key first, then every distinct UNIQUE constraint."""
        out: list[tuple[str, ...]] = []
        for u in ([self.primary_key] if self.primary_key else []) + list(self.uniques):
            if u and u not in out:
                out.append(u)
        return out


class NoteLevel(str, enum.Enum):
    INFO = "info"  # e.g. a statement that is not schema, skipped
    WARNING = "warning"  # something was approximated or ignored
    ERROR = "error"  # a statement could not be understood


@dataclass
class Note:
    """A message about the input, precise enough to act on."""

    level: NoteLevel
    message: str
    line: int | None = None
    statement: str | None = None  # first line(s) of the statement, shortened
    table: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.table:
            where.append(f"table {self.table}" + (f", column {self.column}" if self.column else ""))
        prefix = f"[{', '.join(where)}] " if where else ""
        return f"{prefix}{self.message}"


@dataclass
class Schema:
    dialect: str = ""
    tables: dict[str, Table] = field(default_factory=dict)  # key -> Table, in DDL order
    notes: list[Note] = field(default_factory=list)
    source: str = ""

    # -- building ---------------------------------------------------------
    def add(self, table: Table) -> Table:
        """Add a table, giving it a unique key (its name, or schema_name on a clash)."""
        key = table.name
        if self.find(key) is not None:
            key = f"{table.schema}_{table.name}" if table.schema else f"{table.name}_2"
        n = 2
        while self.find(key) is not None:
            key = f"{table.name}_{n}"
            n += 1
        table.key = key
        self.tables[key] = table
        return table

    # -- lookup -------------------------------------------------------------
    def find(self, name: str, schema: str | None = None) -> Table | None:
        """Case-insensitive lookup by key, ``name``, or ``schema.name``.

        A qualified name whose namespace is unknown falls back to the bare name
        (TPC-H's RI file says ``TPCD.REGION`` for a table created as ``REGION``).
        """
        if schema is None and "." in name:
            schema, name = name.rsplit(".", 1)
        low = name.lower()
        exact = [t for t in self.tables.values() if t.key.lower() == low or t.name.lower() == low]
        if schema:
            same_ns = [t for t in exact if (t.schema or "").lower() == schema.lower()]
            if same_ns:
                return same_ns[0]
        if exact:
            # prefer the key match, then the unqualified table
            for t in exact:
                if t.key.lower() == low:
                    return t
            return exact[0]
        return None

    def table(self, name: str) -> Table:
        t = self.find(name)
        if t is None:
            raise KeyError(f"no table {name!r} in the schema (tables: {', '.join(self.tables)})")
        return t

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables.values())

    def __len__(self) -> int:
        return len(self.tables)

    # -- graph --------------------------------------------------------------
    def children(self, key: str) -> Iterable[tuple[Table, ForeignKey]]:
        for t in self.tables.values():
            for fk in t.foreign_keys:
                if fk.ref_table == key:
                    yield t, fk

    def dependency_order(self) -> list[str]:
        """Table keys, parents before children, following FKs whose columns are all
        NOT NULL; a cycle of NOT NULL FKs is broken at a deterministic edge.
        Self-references are ignored. Ties keep DDL order."""
        keys = list(self.tables)
        deps: dict[str, set[str]] = {k: set() for k in keys}
        for k, t in self.tables.items():
            for fk in t.foreign_keys:
                if fk.ref_table == k or fk.ref_table not in deps:
                    continue
                if all(not t.column(c).nullable for c in fk.columns):
                    deps[k].add(fk.ref_table)
        # nullable FKs are soft: honour them when they add no cycle
        soft: dict[str, set[str]] = {k: set() for k in keys}
        for k, t in self.tables.items():
            for fk in t.foreign_keys:
                if fk.ref_table != k and fk.ref_table in deps and fk.ref_table not in deps[k]:
                    soft[k].add(fk.ref_table)

        order: list[str] = []
        done: set[str] = set()
        remaining = list(keys)
        while remaining:
            ready = [k for k in remaining if deps[k] <= done]
            if ready:
                soft_ready = [k for k in ready if soft[k] <= done]
                pick = soft_ready[0] if soft_ready else ready[0]
            else:
                # a cycle of NOT NULL FKs: take the table with fewest unmet deps
                pick = min(remaining, key=lambda k: (len(deps[k] - done), remaining.index(k)))
            order.append(pick)
            done.add(pick)
            remaining.remove(pick)
        return order
