"""Command line: ``synthtalk generate schema.sql ...`` and ``synthtalk dashboard``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .errors import SynthTalkError

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = Path(__file__).resolve().parent / "examples" / "shop.sql"


def _rows(text: str):
    from .api import parse_rows

    return parse_rows(text, 1000)


def cmd_generate(args) -> int:
    from . import api

    if args.store:
        api.set_store(args.store)
    ds = api.generate(file=args.ddl, name=args.name, rows=_rows(args.rows), seed=args.seed,
                      temperature=args.temperature, dialect=args.dialect, locale=args.locale,
                      spec=args.spec, out=args.out, zip=args.zip, sql=args.sql, parquet=args.parquet,
                      progress=not args.quiet)
    report = ds.validate()
    for n in getattr(ds, "notices", []) or []:
        print(f"note: {n}", file=sys.stderr)
    counts = ds.row_counts
    print(f"{ds.name}: {len(ds.tables)} tables, {sum(counts.values()):,} rows; "
          f"validation: {'0 violations' if report.ok else 'VIOLATIONS'}")
    return 0 if report.ok else 1


def cmd_dashboard(args) -> int:
    """Start the Voilà app with the example dataset ready.

    Isolated mode (the default): ``shop`` is generated into the examples store file
    (``SYNTHTALK_EXAMPLES_STORE``, default ./synthtalk-examples.duckdb) and every visitor's kernel
    copies it into a private store. Shared mode: every visitor works in ``SYNTHTALK_STORE``.
    """
    from . import api
    from .store import Store
    from .workspace import EXAMPLES_ENV, MODE_ENV, MODES

    mode = (args.mode or os.environ.get(MODE_ENV) or "isolated").lower()
    if mode not in MODES:
        raise SynthTalkError(f"--mode must be shared or isolated, got {mode!r}")
    os.environ[MODE_ENV] = mode
    if mode == "isolated":
        store = Path(args.examples or os.environ.get(EXAMPLES_ENV) or "synthtalk-examples.duckdb").resolve()
        os.environ[EXAMPLES_ENV] = str(store)
        print(f"Isolated visitors: each gets a private store; examples from {store}", flush=True)
    else:
        store = Path(args.store or os.environ.get("SYNTHTALK_STORE") or "synthtalk.duckdb").resolve()
        os.environ["SYNTHTALK_STORE"] = str(store)
        api.set_store(store)
        print(f"Shared store: {store} (every visitor sees every dataset)", flush=True)
    if "shop" not in api.list_datasets(Store(store)) and EXAMPLE.exists():
        print("Generating the example dataset 'shop' ...", flush=True)
        api.generate(file=EXAMPLE, name="shop", rows=1000, seed=42, progress=False, store=Store(store))
    notebook = REPO / "notebooks" / "dashboard.ipynb"
    cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={args.port}",
           "--Voila.tornado_settings={'websocket_max_message_size': 209715200}"]
    if args.no_browser:
        cmd.append("--no-browser")
    print("Starting:", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=str(REPO))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="synthtalk", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    g = sub.add_parser("generate", help="Generate data from a DDL file")
    g.add_argument("ddl", help="DDL file")
    g.add_argument("--name", default="synth")
    g.add_argument("--rows", default="1000", help="N or table=N,table2=M")
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--temperature", type=float, default=1.0)
    g.add_argument("--dialect", default=None)
    g.add_argument("--locale", default="en_US")
    g.add_argument("--spec", default=None)
    g.add_argument("--store", default=None, help="DuckDB store file")
    g.add_argument("--out", default=None, help="CSV directory")
    g.add_argument("--zip", default=None)
    g.add_argument("--sql", default=None, help="INSERT script path")
    g.add_argument("--parquet", default=None)
    g.add_argument("--quiet", action="store_true")
    g.set_defaults(func=cmd_generate)

    d = sub.add_parser("dashboard", help="Run the Voilà dashboard with the example dataset")
    d.add_argument("--port", type=int, default=8866)
    d.add_argument("--store", default=None, help="shared mode: the store file every visitor uses")
    d.add_argument("--mode", default=None, choices=["shared", "isolated"],
                   help="isolated (default): a private store per visitor; shared: one store for all")
    d.add_argument("--examples", default=None,
                   help="isolated mode: store file holding the example datasets (default ./synthtalk-examples.duckdb)")
    d.add_argument("--no-browser", action="store_true")
    d.set_defaults(func=cmd_dashboard)

    args = p.parse_args(argv)
    try:
        return args.func(args)
    except SynthTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
