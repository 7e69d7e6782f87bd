"""Several processes on one store file, at the same time (issue 6, part 1).

Three real Python processes (``multiprocessing`` with *spawn*, like separate kernels) work on one
store file for a bounded time. Each one repeatedly

* generates datasets under its own names and under names shared with the other processes
  (same DDL per name, different seeds and sizes; one shared name switches between two DDLs),
* modifies them (``ds.modify(table, sql=...)``: updates and deletes that change row counts) and undoes,
* lists the store, opens datasets, queries them (``ds.sql``, ``ds.df``, the chat sandbox's ``run_sql``),
* reads whole datasets consistently (``ds.snapshot()``) and checks what it saw: every table's row
  count equals the catalogue entry of the same version, and the snapshot validates with zero
  violations (FKs, keys, CHECKs): a reader never sees a half-written or mixed dataset.

Every exception that reaches the caller is collected and the test fails on any of them (a clear
``StoreError`` too: nothing here should time out). Afterwards the parent checks the store: every
dataset is complete (row counts = catalogue, validation ok), every write a worker saw succeed is in
the version log (no write lost), and no version number was handed out twice.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import time
import traceback
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(180)

EXAMPLE = Path(__file__).resolve().parents[1] / "synthtalk_jupyter" / "examples" / "shop.sql"
SMALL = """
CREATE TABLE dept (
    id INT PRIMARY KEY,
    name VARCHAR(30) NOT NULL UNIQUE,
    budget NUMERIC(10,2) NOT NULL CHECK (budget >= 0)
);
CREATE TABLE emp (
    id INT PRIMARY KEY,
    dept_id INT NOT NULL REFERENCES dept(id),
    name VARCHAR(40) NOT NULL,
    salary INT NOT NULL CHECK (salary BETWEEN 1000 AND 100000)
);
"""
# per DDL: (table, SQL) changes that always keep the data valid; some change row counts
CHANGES = {
    "small": [("emp", "UPDATE emp SET salary = salary + 1 WHERE salary < 99000"),
              ("emp", "DELETE FROM emp WHERE id % 4 = 0"),
              ("dept", "UPDATE dept SET budget = budget + 10")],
    "shop": [("products", "UPDATE products SET stock = stock + 1"),
             ("order_items", "DELETE FROM order_items WHERE line_no > 2"),
             ("customers", "UPDATE customers SET loyalty_tier = 'gold' WHERE customer_id % 3 = 0")],
}
QUERIES = {"small": ("emp", "SELECT dept_id, count(*) AS n, avg(salary) AS s FROM emp GROUP BY dept_id"),
           "shop": ("orders", "SELECT status, count(*) AS n FROM orders GROUP BY status")}
SHARED = {"shared_small": "small", "shared_shop": "shop"}  # written by every worker, fixed DDL
MIXED = "shared_mixed"  # written by every worker, DDL switches: only read as snapshots

WORKERS = 3
SECONDS = 20.0


def _ddl(kind: str) -> str:
    return SMALL if kind == "small" else EXAMPLE.read_text()


def _rows(kind: str, rnd: random.Random) -> int:
    return rnd.randint(20, 60) if kind == "small" else rnd.randint(15, 40)


def worker(store_path: str, wid: int, seconds: float, queue, ready, start) -> None:
    """One 'kernel': random operations until the deadline; reports errors, writes and reads."""
    os.environ["SYNTHTALK_STORE"] = store_path
    from synthtalk_jupyter import api
    from synthtalk_jupyter.dataset import Dataset
    from synthtalk_jupyter.store import Store

    # warm up (imports, value pools) in a private in-memory store, then start together
    mem = Store(":memory:")
    for kind in ("small", "shop"):
        ds = api.generate(_ddl(kind), f"warm_{kind}", rows=10, seed=0, progress=False, validate=False, store=mem)
        api.run_sql(QUERIES[kind][1], ds)
    ready.release()
    start.wait(120)

    rnd = random.Random(1000 + wid)
    store = api.get_store()
    errors: list[tuple[str, str, str]] = []
    writes: list[tuple[str, int, str]] = []  # (dataset, version, action) the caller saw succeed
    bad_reads: list[str] = []
    own: dict[str, str] = {}  # own dataset name -> DDL kind
    counts = {"generate": 0, "modify": 0, "undo": 0, "list": 0, "query": 0, "snapshot": 0}
    deadline = time.monotonic() + seconds

    def known() -> list[tuple[str, str]]:
        return list(own.items()) + list(SHARED.items())

    timings: dict[str, list[float]] = {}
    while time.monotonic() < deadline:
        t_op = time.monotonic()
        op = rnd.choices(["gen_own", "gen_shared", "gen_mixed", "modify", "undo", "list", "query", "snapshot"],
                         weights=[2, 2, 1, 6, 2, 2, 3, 6])[0]
        try:
            if op.startswith("gen"):
                if op == "gen_own":
                    name, kind = f"w{wid}_{rnd.randint(0, 2)}", rnd.choice(["small", "small", "shop"])
                elif op == "gen_shared":
                    name, kind = rnd.choice(list(SHARED.items()))
                else:
                    name, kind = MIXED, rnd.choice(["small", "shop"])
                ds = api.generate(_ddl(kind), name, rows=_rows(kind, rnd), seed=rnd.randint(0, 10**6),
                                  progress=False, validate=False)
                if name.startswith("w"):
                    own[name] = kind
                writes.append((ds.name, ds.version, "generate"))
                counts["generate"] += 1
            elif op == "modify":
                name, kind = rnd.choice(known())
                if not store.exists(name):
                    continue
                ds = api.open_dataset(name)
                table, sql = rnd.choice(CHANGES[kind])
                change = ds.modify(table, sql=sql)
                writes.append((ds.name, change.version, "modify"))
                counts["modify"] += 1
            elif op == "undo":
                if not own:
                    continue
                name = rnd.choice(list(own))
                ds = Dataset(name, store)
                if any(v.action == "modify" and v.status != "undone" for v in ds.history()
                       if v.version > _last_generate(ds)):
                    v = ds.undo()
                    writes.append((ds.name, v.version, "undo"))
                    counts["undo"] += 1
            elif op == "list":
                for info in store.list():
                    if set(info.row_counts) != set(info.tables):
                        bad_reads.append(f"list: {info.name} v{info.version}: row counts {info.row_counts} "
                                         f"for tables {info.tables}")
                api.list_datasets()
                counts["list"] += 1
            elif op == "query":
                name, kind = rnd.choice(known())
                if not store.exists(name):
                    continue
                ds = api.open_dataset(name)
                table, sql = QUERIES[kind]
                ds.sql(sql)
                ds.df(table)
                res = api.run_sql(sql, ds)  # the chat sandbox, fed from the store
                if res.status != "ok":
                    errors.append((op, f"run_sql on {name}: {res.status}: {res.reason}", ""))
                elif res.df is None or (len(res.df) == 0 and ds.count(table) > 0):
                    bad_reads.append(f"run_sql on {name}: no rows")
                counts["query"] += 1
            else:  # snapshot: one consistent read of a whole dataset
                name = rnd.choice([n for n, _ in known()] + [MIXED])
                if not store.exists(name):
                    continue
                snap = Dataset(name, store).snapshot()
                problem = _check_snapshot(snap)
                if problem:
                    bad_reads.append(problem)
                counts["snapshot"] += 1
        except Exception as e:  # noqa: BLE001 - everything that reaches the user is a finding
            errors.append((op, f"{type(e).__module__}.{type(e).__name__}: {e}", traceback.format_exc()))
        timings.setdefault(op, []).append(time.monotonic() - t_op)
    queue.put({"wid": wid, "errors": errors, "writes": writes, "bad_reads": bad_reads, "counts": counts,
               "slowest": {k: round(max(v), 2) for k, v in timings.items()}})


def _last_generate(ds) -> int:
    gens = [v.version for v in ds.history() if v.action == "generate"]
    return max(gens) if gens else 0


def _check_snapshot(snap) -> str | None:
    """The snapshot's tables match its catalogue entry and validate (in a private in-memory DuckDB)."""
    import duckdb

    from synthtalk_jupyter.schema.parse import parse_ddl
    from synthtalk_jupyter.validate import validate

    info = snap.info
    if list(snap.tables) != list(info.tables):
        return f"snapshot {info.name} v{info.version}: tables {list(snap.tables)} != catalogue {info.tables}"
    for t, data in snap.tables.items():
        if data.num_rows != info.row_counts[t]:
            return (f"snapshot {info.name} v{info.version}: {t} has {data.num_rows} rows, the catalogue says "
                    f"{info.row_counts[t]}")
    con = duckdb.connect()
    try:
        for t, data in snap.tables.items():
            con.register("_t", data)
            con.execute(f'CREATE TABLE "{t}" AS SELECT * FROM _t')
            con.unregister("_t")
        report = validate(con, parse_ddl(info.source, info.dialect or None), db_schema="main")
    finally:
        con.close()
    if not report.ok:
        return f"snapshot {info.name} v{info.version} does not validate: {report.violations}"
    return None


def test_processes_share_one_store(tmp_path):
    from synthtalk_jupyter.store import META, Store

    path = str(tmp_path / "shared.duckdb")
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    t0 = time.monotonic()
    ready, start = ctx.Semaphore(0), ctx.Event()
    procs = [ctx.Process(target=worker, args=(path, i, SECONDS, queue, ready, start)) for i in range(WORKERS)]
    for p in procs:
        p.start()
    for _ in procs:
        assert ready.acquire(timeout=120), "a worker did not start"
    t_start = time.monotonic()
    start.set()
    results = [queue.get(timeout=SECONDS + 90) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0, f"worker exited with {p.exitcode}"
    elapsed, warmup = time.monotonic() - t0, t_start - t0

    errors = [(r["wid"], op, msg, tb) for r in results for op, msg, tb in r["errors"]]
    bad_reads = [b for r in results for b in r["bad_reads"]]
    totals = {k: sum(r["counts"][k] for r in results) for k in results[0]["counts"]}
    print(f"\n{WORKERS} processes, {elapsed:.1f} s ({warmup:.1f} s warm-up): {totals}")
    for r in results:
        print(f"  w{r['wid']} slowest op (s): {r['slowest']}")
    assert not errors, "errors reached the user:\n" + "\n".join(f"[w{w}] {op}: {m}\n{tb}" for w, op, m, tb in errors)
    assert not bad_reads, "a reader saw an incomplete dataset:\n" + "\n".join(bad_reads)
    # enough of everything happened at the same time (2 cores: generations cost about 1 s of CPU each)
    assert totals["generate"] >= 6 and totals["modify"] >= 4 and totals["snapshot"] >= 4, totals

    # -- afterwards: every dataset complete and valid, no write lost, no version handed out twice
    store = Store(path)
    from synthtalk_jupyter.dataset import Dataset

    infos = store.list()
    names = {i.name for i in infos}
    assert set(SHARED) <= names
    for info in infos:
        ds = Dataset(info.name, store)
        for t in info.tables:
            assert ds.count(t) == info.row_counts[t], (info.name, t)
        report = ds.validate()
        assert report.ok, (info.name, report.violations)
    with store.connect(read_only=True) as con:
        logged = set(con.execute(f"SELECT lower(dataset), version, action FROM {META}.versions").fetchall())
        dup = con.execute(f"SELECT dataset, version, count(*) FROM {META}.versions "
                          f"GROUP BY ALL HAVING count(*) > 1").fetchall()
    assert not dup, f"version numbers handed out twice: {dup}"
    lost = [w for r in results for w in r["writes"] if (w[0].lower(), w[1], w[2]) not in logged]
    assert not lost, f"writes lost: {lost}"


def test_threads_of_one_kernel_share_one_store(tmp_path):
    """Threads of one process (the dashboard's background job next to a magic) share one DuckDB
    instance, where two write transactions would conflict instead of waiting: they take turns."""
    import threading

    from synthtalk_jupyter import api
    from synthtalk_jupyter.dataset import Dataset
    from synthtalk_jupyter.store import Store

    path = tmp_path / "threads.duckdb"
    errors: list[str] = []
    seen: list[str] = []

    def work(i: int) -> None:
        store = Store(path)  # a Store object per thread, one file
        for k in range(3):
            try:
                ds = api.generate(SMALL, f"t{i}" if k < 2 else "same", rows=30, seed=k, store=store,
                                  progress=False, validate=False)
                ds.modify("emp", sql=CHANGES["small"][1][1])
                store.list()
                problem = _check_snapshot(Dataset("same" if store.exists("same") else ds.name, store).snapshot())
                if problem:
                    seen.append(problem)
            except Exception as e:  # noqa: BLE001
                errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert not seen, seen
    store = Store(path)
    assert sorted(store.names()) == ["same", "t0", "t1", "t2"]
    for info in store.list():
        assert Dataset(info.name, store).validate().ok


def test_a_dataset_replaced_by_another_kernel_is_a_clear_error(tmp_path):
    """A kernel holds ``ds`` while another kernel regenerates the name from another schema, then drops it."""
    import subprocess
    import sys

    from synthtalk_jupyter import api
    from synthtalk_jupyter.errors import StoreError
    from synthtalk_jupyter.store import Store

    path = tmp_path / "s.duckdb"
    store = Store(path)
    ds = api.generate(SMALL, "x", rows=10, store=store, progress=False)
    other = ("import sys; from synthtalk_jupyter import api; from synthtalk_jupyter.store import Store; "
             "api.generate('CREATE TABLE other (id INT PRIMARY KEY);', 'x', rows=5, store=Store(sys.argv[1]), "
             "progress=False)")
    subprocess.run([sys.executable, "-c", other, str(path)], check=True, timeout=120)
    for call in (lambda: ds.df("emp"), lambda: ds.count("dept"), lambda: ds.preview("emp"), ds.validate,
                 lambda: ds.to_csv(tmp_path / "csv")):
        with pytest.raises(StoreError, match="replaced in the store since it was opened"):
            call()
    with pytest.raises(StoreError, match="no table 'emp'"):
        ds.modify("emp", sql=CHANGES["small"][0][1])
    assert api.open_dataset("x", store=store).tables == ["other"]
    store.drop("x")
    with pytest.raises(StoreError, match="no longer in the store"):
        ds.df("other")
