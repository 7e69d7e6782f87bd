"""A stored dataset: the object users get back from a generation (``ds = _``)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pyarrow as pa

from .errors import StoreError
from .store import DatasetInfo, Store, qualified, quote_ident

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .schema.model import Schema
    from .validate import ValidationReport


class Dataset:
    """Dataset ``name`` in ``store`` (default: ``Store()``).

    Every data access opens the store for that one operation only. ``.schema`` is the DDL re-parsed
    (cached); ``.tables`` are the table keys in load order (parents first).
    """

    def __init__(self, name: str, store: Store | str | None = None, *, _info: DatasetInfo | None = None):
        if store is None or isinstance(store, (str, Path)):
            store = Store(store)
        self.store = store
        self._info = _info or store.info(name)
        self.name = self._info.name
        self._schema: Schema | None = None
        self.notices: list[str] = list(self._info.notices)  # generation notices (front-ends may add)
        self.spec: Any = self._info.spec  # the generation spec used (dict from the store, or the model)
        self.report: ValidationReport | None = None  # the last validation, set by validate()

    # -- metadata ---------------------------------------------------------------------------
    def refresh(self) -> "Dataset":
        """Re-read the catalogue entry (after a change made elsewhere)."""
        old_source = self._info.source
        self._info = self.store.info(self.name)
        if self._info.source != old_source:
            self._schema = None
        return self

    @property
    def info(self) -> DatasetInfo:
        return self._info

    @property
    def source(self) -> str:
        """The DDL the dataset was generated from."""
        return self._info.source

    @property
    def dialect(self) -> str:
        return self._info.dialect

    @property
    def version(self) -> int:
        return self._info.version

    @property
    def tables(self) -> list[str]:
        return list(self._info.tables)

    @property
    def row_counts(self) -> dict[str, int]:
        return dict(self._info.row_counts)

    @property
    def schema(self) -> "Schema":
        if self._schema is None:
            from .schema.parse import parse_ddl
            self._schema = parse_ddl(self._info.source, self._info.dialect or None)
        return self._schema

    def _repr_html_(self) -> str:
        from .display import dataset_html

        return dataset_html(self, limit=getattr(self, "display_limit", 10))

    def __repr__(self) -> str:
        return (f"<Dataset {self.name!r}: {len(self.tables)} tables, "
                f"{sum(self.row_counts.values()):,} rows, store {self.store.path}>")

    # -- data -------------------------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[Any]:
        """A read connection; a table that vanished (another kernel replaced or dropped the dataset
        since this object was made) is a :class:`StoreError` saying so, never a raw DuckDB error."""
        import duckdb

        try:
            with self.store.connect(read_only=self.store._ro()) as con:
                yield con
        except duckdb.CatalogException:
            raise self._stale_error() from None  # asked on a new connection: this one is closed

    def _stale_error(self) -> StoreError:
        try:
            now = self.store.info(self.name)
        except StoreError:
            return StoreError(f"Dataset {self.name!r} is no longer in the store {self.store.path} "
                              f"(dropped by another kernel?)")
        return StoreError(f"Dataset {self.name!r} was replaced in the store since it was opened (now version "
                          f"{now.version}, tables: {', '.join(now.tables)}): open it again, e.g. "
                          f"open_dataset({self.name!r}) or ds.refresh()")

    def _check_current(self) -> None:
        """Before whole-dataset work (validation, exports): follow a newer version of the same schema,
        refuse one generated from another schema."""
        now = self.store.info(self.name)
        if now.source != self._info.source or now.tables != self._info.tables:
            raise self._stale_error()
        self._info = now

    def table_key(self, table: str) -> str:
        """The stored key of ``table``: exact key, case-insensitive key, table name or ``schema.name``."""
        if table in self._info.tables:
            return table
        low = table.lower()
        for k in self._info.tables:
            if k.lower() == low:
                return k
        t = self.schema.find(table)
        if t is not None and t.key in self._info.tables:
            return t.key
        raise StoreError(f"Dataset {self.name!r} has no table {table!r} (tables: {', '.join(self.tables)})",
                         table=table)

    def _select(self, table: str, limit: int | None = None) -> str:
        sql = f"SELECT * FROM {qualified(self.name, self.table_key(table))}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return sql

    def arrow(self, table: str) -> pa.Table:
        """The current stored contents of ``table`` as a pyarrow Table."""
        sql = self._select(table)
        with self._reading() as con:
            return con.sql(sql).to_arrow_table()

    def df(self, table: str) -> "pd.DataFrame":
        """The current stored contents of ``table`` as a pandas DataFrame."""
        sql = self._select(table)
        with self._reading() as con:
            return con.execute(sql).df()

    def preview(self, table: str, n: int = 10) -> "pd.DataFrame":
        """The first ``n`` rows of ``table``."""
        sql = self._select(table, max(0, int(n)))
        with self._reading() as con:
            return con.execute(sql).df()

    def count(self, table: str) -> int:
        sql = f"SELECT count(*) FROM {qualified(self.name, self.table_key(table))}"
        with self._reading() as con:
            return int(con.execute(sql).fetchall()[0][0])

    def snapshot(self, tables: "list[str] | None" = None) -> "Snapshot":
        """The catalogue entry and the contents of every table (or of ``tables``), read in one
        transaction: one consistent version, even while other kernels or threads write."""
        with self.store.connect(read_only=self.store._ro()) as outer:
            con = outer.cursor()  # its own transaction, even inside an outer one
            try:
                con.execute("BEGIN TRANSACTION")
                infos = self.store._read_infos(con, self.name)
                if not infos:
                    raise StoreError(f"Dataset {self.name!r} is no longer in the store {self.store.path}")
                info = infos[0]
                keys = info.tables if tables is None else [self.table_key(t) for t in tables]
                data = {k: con.sql(f"SELECT * FROM {qualified(info.name, k)}").to_arrow_table() for k in keys}
                con.execute("COMMIT")
            finally:
                con.close()
        return Snapshot(info, data)

    def sql(self, query: str) -> "pd.DataFrame":
        """Run a query against the store with this dataset's schema as the default schema (trusted
        code only: this is the store's own connection, not the chat sandbox)."""
        with self.store.connect(read_only=self.store._ro()) as con:
            con.execute(f"SET schema = {_string(self.name)}")
            return con.execute(query).df()

    # -- checks and exports -----------------------------------------------------------------
    def validate(self, **kwargs: Any) -> "ValidationReport":
        self._check_current()
        from .validate import validate
        self.report = validate(self, self.schema, **kwargs)
        return self.report

    def to_csv(self, directory: str | Path) -> list[Path]:
        self._check_current()
        from .export.csv import to_csv
        return to_csv(self, directory)

    def to_parquet(self, directory: str | Path) -> list[Path]:
        self._check_current()
        from .export.parquet import to_parquet
        return to_parquet(self, directory)

    def to_zip(self, path: str | Path) -> Path:
        self._check_current()
        from .export.zip import to_zip
        return to_zip(self, path)

    def to_sql(self, path: str | Path, dialect: str | None = None, **kwargs: Any) -> Path:
        self._check_current()
        from .export.inserts import dataset_to_sql
        return dataset_to_sql(self, path, dialect=dialect, **kwargs)

    # -- changes: validated, versioned, undoable (the logic lives in modify.py) ---------------
    def modify(self, table: str, instruction: str | None = None, *, sql: str | None = None,
               settings: Any = None) -> Any:
        """Change ``table`` by an instruction (the LLM proposes SQL) or by ``sql`` (no LLM); checked,
        run in one transaction, validated (rolled back unless zero violations), versioned."""
        from .modify import modify
        return modify(self, table, instruction, sql=sql, settings=settings)

    def undo(self) -> Any:
        """Restore the contents before the latest modification (exactly)."""
        from .modify import undo
        return undo(self)

    def history(self) -> Any:
        """Every version: generation, modifications (instruction, SQL, rows changed), undos."""
        from .modify import history
        return history(self)

    def save_spec(self, path: str | Path) -> Path:
        """Write the generation spec used (YAML for .yaml/.yml, else JSON) to reuse without an LLM."""
        from .generation.planner import dataset_spec, save_spec
        spec = dataset_spec(self)
        if spec is None:
            raise StoreError(f"Dataset {self.name!r} was generated from the DDL alone: it has no spec to save")
        return save_spec(spec, path)


class Snapshot:
    """One consistent read of a dataset: ``.info`` (its catalogue entry: version, row counts) and
    ``.tables`` (table key -> pyarrow Table, load order)."""

    def __init__(self, info: DatasetInfo, tables: dict[str, pa.Table]):
        self.info = info
        self.tables = tables

    @property
    def version(self) -> int:
        return self.info.version

    def __repr__(self) -> str:
        return f"<Snapshot {self.info.name!r} v{self.info.version}: {len(self.tables)} tables>"


def _string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


__all__ = ["Dataset", "Snapshot", "quote_ident"]
