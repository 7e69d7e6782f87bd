"""TPC-H throughput benchmark: our generator vs the Rust ``tpchgen-cli``, both writing CSV.

    python benchmarks/bench_tpch.py [--scale 1|0.1] [--runs 3] [--out DIR] [--skip-tpchgen]

Our side runs in a fresh process: parse ``tpch.ansi.sql`` (the corpus file), generate the
TPC-H row counts of the scale factor (REGION and NATION fixed at 5 and 25), and write one CSV
per table (header, NULL as empty field) while generating, chunk by chunk (a writer thread
overlaps the CSV encoding with generation). ``tpchgen-cli csv -s SCALE`` runs side by side.
Each command runs under a tiny Python wrapper that reports the wall time and the peak RSS of
its only child. Medians over ``--runs`` are printed, with the ratio ours / tpchgen-cli.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DDL = Path(os.environ.get("SYNTHTALK_CORPUS", ROOT.parent / "shared" / "ddl-corpus")) / "tpch.ansi.sql"
SF1 = dict(REGION=5, NATION=25, SUPPLIER=10_000, PART=200_000, PARTSUPP=800_000, CUSTOMER=150_000,
           ORDERS=1_500_000, LINEITEM=6_000_000)

_WRAPPER = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[1:]).returncode
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "rss_mb": ru.ru_maxrss / 1024, "cpu": ru.ru_utime + ru.ru_stime}))
"""


def row_counts(scale: float) -> dict[str, int]:
    return {k: (v if k in ("REGION", "NATION") else max(1, int(round(v * scale)))) for k, v in SF1.items()}


def worker(scale: float, out: Path, chunk_rows: int) -> None:
    """Runs in the fresh process: generate and write CSV."""
    import queue
    import threading

    sys.path.insert(0, str(ROOT))
    import pyarrow.csv as pacsv

    from synthtalk_jupyter.generation.engine import generate_tables
    from synthtalk_jupyter.generation.result import GenerationOptions
    from synthtalk_jupyter.schema.parse import parse_ddl

    schema = parse_ddl(DDL.read_text(encoding="utf-8"))
    result = generate_tables(schema, GenerationOptions(rows=row_counts(scale), seed=1, chunk_rows=chunk_rows))
    out.mkdir(parents=True, exist_ok=True)
    q: queue.Queue = queue.Queue(maxsize=2)
    err: list[BaseException] = []

    def write() -> None:
        writers: dict[str, pacsv.CSVWriter] = {}
        try:
            while True:
                item = q.get()
                if item is None:
                    break
                key, batch = item
                w = writers.get(key)
                if w is None:
                    w = writers[key] = pacsv.CSVWriter(str(out / f"{key.lower()}.csv"), batch.schema,
                                                       write_options=pacsv.WriteOptions(include_header=True))
                w.write_batch(batch)
        except BaseException as e:  # noqa: BLE001
            err.append(e)
        finally:
            for w in writers.values():
                w.close()

    th = threading.Thread(target=write, daemon=True)
    th.start()
    for key, batch in result.chunks():
        if err:
            break
        q.put((key, batch))
    q.put(None)
    th.join()
    if err:
        raise err[0]


def measure(cmd: list[str]) -> dict:
    p = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True)
    lines = [ln for ln in p.stdout.strip().splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    res = json.loads(lines[-1])
    if res["rc"] != 0:
        raise SystemExit(f"command failed (rc {res['rc']}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    return res


def dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None, help="scratch directory (default: a temp dir)")
    ap.add_argument("--chunk-rows", type=int, default=250_000)
    ap.add_argument("--skip-tpchgen", action="store_true")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(a.scale, a.out, a.chunk_rows)
        return
    base = a.out or Path(tempfile.mkdtemp(prefix="bench_tpch_"))
    ours_dir, theirs_dir = base / "ours", base / "tpchgen"
    tpchgen = shutil.which("tpchgen-cli")
    scale_arg = f"{a.scale:g}"
    ours, theirs = [], []
    size_ours = size_theirs = 0
    for run in range(a.runs):
        for d in (ours_dir, theirs_dir):
            shutil.rmtree(d, ignore_errors=True)
        r = measure([sys.executable, str(Path(__file__).resolve()), "--worker", "--scale", scale_arg,
                     "--out", str(ours_dir), "--chunk-rows", str(a.chunk_rows)])
        ours.append(r)
        size_ours = dir_size(ours_dir)
        line = f"run {run + 1}: synthtalk {r['wall']:.2f} s (cpu {r['cpu']:.1f} s), {r['rss_mb']:.0f} MB"
        if tpchgen and not a.skip_tpchgen:
            theirs_dir.mkdir(parents=True, exist_ok=True)
            t = measure([tpchgen, "csv", "-s", scale_arg, "-o", str(theirs_dir)])
            theirs.append(t)
            size_theirs = dir_size(theirs_dir)
            line += f" | tpchgen-cli {t['wall']:.2f} s (cpu {t['cpu']:.1f} s), {t['rss_mb']:.0f} MB"
        print(line, flush=True)
    rows = sum(row_counts(a.scale).values())
    med = statistics.median(x["wall"] for x in ours)
    rss = max(x["rss_mb"] for x in ours)
    print(f"\nTPC-H scale {scale_arg}: {rows:,} rows, CSV, {a.runs} run(s), {os.cpu_count()} CPU(s)")
    cpu = statistics.median(x["cpu"] for x in ours)
    print(f"  synthtalk   : median {med:6.2f} s  cpu {cpu:6.1f} s  peak RSS {rss:6.0f} MB  "
          f"output {size_ours / 1e6:7.0f} MB ({rows / med / 1e6:.2f} M rows/s)")
    if theirs:
        tmed = statistics.median(x["wall"] for x in theirs)
        trss = max(x["rss_mb"] for x in theirs)
        tcpu = statistics.median(x["cpu"] for x in theirs)
        print(f"  tpchgen-cli : median {tmed:6.2f} s  cpu {tcpu:6.1f} s  peak RSS {trss:6.0f} MB  "
              f"output {size_theirs / 1e6:7.0f} MB")
        print(f"  ratio synthtalk / tpchgen-cli: {med / tmed:.2f}x wall, {cpu / tcpu:.2f}x cpu  (target < 2.3x, goal 1x)")
    if a.out is None:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
