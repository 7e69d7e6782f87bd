"""One Parquet file per table (zstd-compressed), with the stored DuckDB types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._common import copy_tables


def to_parquet(ds: Any, directory: str | Path) -> list[Path]:
    """Write ``<table>.parquet`` for every table of the dataset into ``directory``; returns the paths."""
    return copy_tables(ds, directory, "parquet", "FORMAT parquet, COMPRESSION zstd")
