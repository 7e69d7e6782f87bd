"""The generation spec: per-table row counts and per-column overrides.

A user (``--spec FILE``, JSON or YAML) or the LLM planner fills it; the engine reads it.
Keys (PK / FK columns) are never written by a spec: the engine plans them.

```yaml
tables:
  customer:
    rows: 5000
    columns:
      country: {values: [FR, DE, US], weights: [0.2, 0.2, 0.6]}
      age: {min: 18, max: 90, distribution: normal}
      code: {pattern: "[A-Z]{3}-\\d{4}", unique: true}
      email: {null_ratio: 0.1}
  orders:
    columns:
      total: {sql: "round(quantity * unit_price, 2)"}
```

Column override fields: ``values`` (+ ``weights``), ``min``/``max``, ``distribution``
(uniform, normal, lognormal, exponential, zipf) with ``params`` (mean, std, sigma, scale, a),
``null_ratio``, ``format`` (``#`` digit, ``?`` letter, ``*`` letter or digit, ``{i}`` /
``{i:06}`` the 1-based row number), ``pattern`` (a small regex subset: literals, ``[A-Z]``
classes, ``\\d \\w``, ``(a|b)``, ``? * + {n} {m,n}``), ``sql`` (a DuckDB expression over
other columns of the same row), ``unique``, ``locale``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import SpecError

Distribution = Literal["uniform", "normal", "lognormal", "exponential", "zipf"]


class ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: list[Any] | None = None
    weights: list[float] | None = None
    min: Any = None
    max: Any = None
    distribution: Distribution | None = None
    params: dict[str, float] = Field(default_factory=dict)
    null_ratio: float | None = Field(default=None, ge=0.0, le=1.0)
    format: str | None = None
    pattern: str | None = None
    sql: str | None = None
    unique: bool | None = None
    locale: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "ColumnSpec":
        if self.weights is not None:
            if self.values is None:
                raise ValueError("weights given without values")
            if len(self.weights) != len(self.values):
                raise ValueError(f"{len(self.weights)} weights for {len(self.values)} values")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be >= 0 with a positive sum")
        if self.values is not None and len(self.values) == 0:
            raise ValueError("values is empty")
        sources = [x for x in ("values", "pattern", "format", "sql") if getattr(self, x) is not None]
        if len(sources) > 1:
            raise ValueError(f"give only one of values / pattern / format / sql (got {', '.join(sources)})")
        if self.pattern is not None:
            from .values import PatternError, compile_pattern
            try:
                compile_pattern(self.pattern)
            except PatternError as e:
                raise ValueError(str(e)) from None
        return self


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: int | None = Field(default=None, ge=0)
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)


class GenerationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tables: dict[str, TableSpec] = Field(default_factory=dict)
    locale: str | None = None

    @field_validator("tables", mode="before")
    @classmethod
    def _none_tables(cls, v: Any) -> Any:
        return {} if v is None else v

    # -- loading --------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict) -> "GenerationSpec":
        try:
            return cls.model_validate(data or {})
        except ValidationError as e:
            raise SpecError(f"invalid generation spec: {_pretty(e)}") from None

    @classmethod
    def from_json(cls, text: str) -> "GenerationSpec":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise SpecError(f"spec is not valid JSON: {e}") from None
        return cls.from_dict(data)

    @classmethod
    def from_yaml(cls, text: str) -> "GenerationSpec":
        try:
            import yaml
        except ImportError:  # pragma: no cover
            raise SpecError("YAML specs need PyYAML (pip install pyyaml)") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise SpecError(f"spec is not valid YAML: {e}") from None
        if data is not None and not isinstance(data, dict):
            raise SpecError("spec must be a mapping with a 'tables' key")
        return cls.from_dict(data or {})

    @classmethod
    def load(cls, path: str | Path) -> "GenerationSpec":
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            raise SpecError(f"cannot read spec file {p}: {e.strerror or e}") from None
        if p.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            return cls.from_json(text)
        return cls.from_yaml(text)

    # -- lookup ---------------------------------------------------------------
    def table(self, key: str, name: str | None = None) -> TableSpec | None:
        for k, v in self.tables.items():
            kl = k.lower()
            if kl == key.lower() or (name is not None and kl == name.lower()):
                return v
        return None

    def column(self, key: str, name: str | None, column: str) -> ColumnSpec | None:
        ts = self.table(key, name)
        if ts is None:
            return None
        for k, v in ts.columns.items():
            if k.lower() == column.lower():
                return v
        return None

    # -- validation against a schema -------------------------------------------
    def check(self, schema: Any) -> list[str]:
        """Validate against a ``Schema``: raise ``SpecError`` naming the table/column for what
        cannot work; return notices for what was adjusted."""
        from ..schema.model import Kind

        notices: list[str] = []
        fk_cols: dict[str, set[str]] = {}
        for t in schema:
            fk_cols[t.key] = {c.lower() for fk in t.foreign_keys for c in fk.columns}
        for tname, ts in self.tables.items():
            t = schema.find(tname)
            if t is None:
                raise SpecError(f"spec names table {tname!r}, which is not in the schema "
                                f"(tables: {', '.join(schema.tables)})", table=tname)
            for cname, cs in ts.columns.items():
                if not t.has_column(cname):
                    raise SpecError(f"spec names column {cname!r}, which table {t.qualified_name} does not have "
                                    f"(columns: {', '.join(t.column_names)})", table=t.key, column=cname)
                col = t.column(cname)
                if col.is_generated:
                    raise SpecError("computed column: the database fills it, a spec cannot",
                                    table=t.key, column=col.name)
                in_pk = col.name.lower() in {c.lower() for c in t.primary_key}
                if col.name.lower() in fk_cols[t.key] or in_pk:
                    what = "foreign key" if col.name.lower() in fk_cols[t.key] else "primary key"
                    raise SpecError(f"column is part of a {what}; keys are planned by the engine and cannot "
                                    f"be overridden", table=t.key, column=col.name, constraint=what.upper())
                if cs.null_ratio and not col.nullable:
                    notices.append(f"spec: {t.key}.{col.name} is NOT NULL; null_ratio {cs.null_ratio} ignored")
                if cs.min is not None and cs.max is not None:
                    try:
                        bad = cs.min > cs.max
                    except TypeError:
                        bad = False
                    if bad:
                        raise SpecError(f"min {cs.min!r} is greater than max {cs.max!r}", table=t.key,
                                        column=col.name)
                if (cs.min is not None or cs.max is not None or cs.distribution) and col.type.kind not in (
                        Kind.INT, Kind.DECIMAL, Kind.FLOAT, Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.TIME):
                    raise SpecError(f"min/max/distribution need a numeric or date/time column, not "
                                    f"{col.type.raw or col.type.kind.value}", table=t.key, column=col.name)
                if cs.values is not None and col.type.kind == Kind.ENUM and col.type.values:
                    allowed = {v.lower() for v in col.type.values}
                    bad_vals = [v for v in cs.values if str(v).lower() not in allowed]
                    if bad_vals:
                        raise SpecError(f"values {bad_vals} are not members of the enum ({', '.join(col.type.values)})",
                                        table=t.key, column=col.name)
                if (cs.pattern or cs.format) and col.type.kind not in (Kind.STRING, Kind.OTHER, Kind.JSON):
                    raise SpecError(f"pattern/format need a text column, not {col.type.raw or col.type.kind.value}",
                                    table=t.key, column=col.name)
                if cs.sql is not None:
                    _check_sql(cs.sql, t, col)
        return notices


def _check_sql(sql: str, t: Any, col: Any) -> None:
    import sqlglot
    from sqlglot import exp

    try:
        e = sqlglot.parse_one(sql, read="duckdb")
    except Exception as ex:  # noqa: BLE001
        raise SpecError(f"sql expression does not parse: {ex}", table=t.key, column=col.name) from None
    if isinstance(e, (exp.Select, exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Command)):
        raise SpecError("sql must be an expression over the row's columns, not a statement",
                        table=t.key, column=col.name)
    for c in e.find_all(exp.Column):
        if not t.has_column(c.name):
            raise SpecError(f"sql expression uses column {c.name!r}, which the table does not have",
                            table=t.key, column=col.name)
        if c.name.lower() == col.name.lower():
            raise SpecError("sql expression refers to its own column", table=t.key, column=col.name)


def sql_columns(sql: str) -> list[str]:
    import sqlglot
    from sqlglot import exp

    try:
        e = sqlglot.parse_one(sql, read="duckdb")
    except Exception:  # noqa: BLE001
        return []
    return [c.name for c in e.find_all(exp.Column)]


def _pretty(e: ValidationError) -> str:
    parts = []
    for err in e.errors():
        loc = ".".join(str(x) for x in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return "; ".join(parts)
