"""What the real engines say about loaded data: FK orphans from each engine's own catalog, and
tables left empty. Used by the oracle tests (and reusable by anyone loading data into them)."""

from __future__ import annotations


def _orphan_sql(child: str, parent: str, cols: list[str], ref_cols: list[str], q) -> str:
    nonnull = " AND ".join(f"c.{q(x)} IS NOT NULL" for x in cols)
    match = " AND ".join(f"p.{q(r)} = c.{q(x)}" for x, r in zip(cols, ref_cols))
    return (f"SELECT count(*) FROM {child} c WHERE {nonnull} AND NOT EXISTS "
            f"(SELECT 1 FROM {parent} p WHERE {match})")


# ---------------------------------------------------------------- PostgreSQL

_PG_SYSTEM = "('pg_catalog', 'information_schema', 'pg_toast')"


def pg_foreign_keys(db) -> list[tuple[str, str, str, list[str], list[str]]]:
    """(constraint, child, parent, child columns, parent columns) for every FK in the database."""
    rows = db.query(f"""
        SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
          (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
          (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE c.contype = 'f' AND n.nspname NOT IN {_PG_SYSTEM}
        ORDER BY 2, 1""")
    return [(r[0], r[1], r[2], r[3].split(","), r[4].split(",")) for r in rows]


def pg_orphans(db) -> dict[str, int]:
    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    fks = pg_foreign_keys(db)
    if not fks:
        return {}
    sqls = [_orphan_sql(child, parent, cols, refs, q) for _, child, parent, cols, refs in fks]
    row = db.query("SELECT " + ", ".join(f"({s})" for s in sqls))[0]
    return {f"{fk[1]}.{fk[0]}": int(n) for fk, n in zip(fks, row)}


def pg_table_counts(db) -> dict[str, int]:
    """Rows in every table (partitions too, each counted on its own; a partitioned parent counts its
    partitions' rows)."""
    tables = [r[0] for r in db.query(f"""
        SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN {_PG_SYSTEM} ORDER BY 1""")]
    if not tables:
        return {}
    row = db.query("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables))[0]
    return {t: int(n) for t, n in zip(tables, row)}


_PG_SEQ_COLUMNS = r"""
    SELECT c.oid::regclass::text, a.attname,
           coalesce(pg_get_serial_sequence(c.oid::regclass::text, quote_ident(a.attname))::text,
                    substring(pg_get_expr(d.adbin, d.adrelid) from 'nextval\(''([^'']+)''')) AS seq
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND a.attnum > 0 AND NOT a.attisdropped
      AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')"""


def pg_sequences_behind(db) -> list[str]:
    """Serial / identity / nextval columns whose sequence would hand out a value already in the table."""
    behind = []
    for table, col, seq in db.query(_PG_SEQ_COLUMNS):
        if not seq:
            continue
        q = '"' + col.replace('"', '""') + '"'
        ok = db.query(f"SELECT coalesce((SELECT max({q}) FROM {table}), 0) < nextval('{seq}')")[0][0]
        if ok != "t":
            behind.append(f"{table}.{col} ({seq})")
    return behind


def pg_sequence_columns(db) -> list[tuple[str, ...]]:
    return db.query(_PG_SEQ_COLUMNS)


# ---------------------------------------------------------------- MariaDB / MySQL

def mysql_foreign_keys(db, schemas: list[str]) -> list[tuple[str, str, str, list[str], list[str]]]:
    marks = ", ".join(["%s"] * len(schemas))
    con = db.connect()
    try:
        with con.cursor() as cur:
            cur.execute(f"""
                SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME,
                       REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
                FROM information_schema.KEY_COLUMN_USAGE
                WHERE REFERENCED_TABLE_NAME IS NOT NULL AND TABLE_SCHEMA IN ({marks})
                ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION""", schemas)
            rows = cur.fetchall()
    finally:
        con.close()
    fks: dict[tuple, tuple] = {}
    for sch, tab, name, col, rsch, rtab, rcol in rows:
        key = (sch, tab, name)
        if key not in fks:
            fks[key] = (name, f"`{sch}`.`{tab}`", f"`{rsch}`.`{rtab}`", [], [])
        fks[key][3].append(col)
        fks[key][4].append(rcol)
    return list(fks.values())


def mysql_orphans(db, schemas: list[str]) -> dict[str, int]:
    def q(name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    out = {}
    for name, child, parent, cols, refs in mysql_foreign_keys(db, schemas):
        out[f"{child}.{name}"] = int(db.query(_orphan_sql(child, parent, cols, refs, q))[0][0])
    return out


def mysql_table_counts(db, schemas: list[str]) -> dict[str, int]:
    marks = ", ".join(["%s"] * len(schemas))
    con = db.connect()
    try:
        with con.cursor() as cur:
            cur.execute(f"SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
                        f"WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN ({marks})", schemas)
            tables = [f"`{s}`.`{t}`" for s, t in cur.fetchall()]
            out = {}
            for t in tables:
                cur.execute(f"SELECT count(*) FROM {t}")
                out[t] = int(cur.fetchone()[0])
            return out
    finally:
        con.close()


# ---------------------------------------------------------------- SQLite

def sqlite_orphans(db) -> list[tuple]:
    """PRAGMA foreign_key_check: (table, rowid, parent, fk index) for every orphan."""
    return db.query("PRAGMA foreign_key_check")


def sqlite_foreign_key_count(db) -> int:
    tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return sum(len({r[0] for r in db.query(f"PRAGMA foreign_key_list(\"{t}\")")}) for t in tables)


def sqlite_table_counts(db) -> dict[str, int]:
    tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%'")]
    return {t: int(db.query(f'SELECT count(*) FROM "{t}"')[0][0]) for t in tables}
