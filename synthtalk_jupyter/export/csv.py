"""One CSV file per table: header row, comma-separated, NULL as an empty field (an empty string is
written as ``""``), UTF-8. Computed columns are left out (the database computes them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._common import copy_tables


def to_csv(ds: Any, directory: str | Path) -> list[Path]:
    """Write ``<table>.csv`` for every table of the dataset into ``directory``; returns the paths."""
    return copy_tables(ds, directory, "csv", "FORMAT csv, HEADER true, DELIMITER ','")
