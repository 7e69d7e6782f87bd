"""A ZIP with every table as CSV, the original DDL (``schema.sql``) and the INSERT script (``inserts.sql``)."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from .csv import to_csv
from .inserts import dataset_to_sql


def to_zip(ds: Any, path: str | Path, *, inserts: bool = True) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".zip" and not path.suffix:
        path = path.with_suffix(".zip")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="synthtalk-zip-") as tmp:
        tmpdir = Path(tmp)
        csvs = to_csv(ds, tmpdir / "csv")
        script = dataset_to_sql(ds, tmpdir / "inserts.sql") if inserts else None
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("schema.sql", ds.source)
            if script is not None:
                z.write(script, "inserts.sql")
            for p in csvs:
                z.write(p, p.name)
        partial.replace(path)
    return path
