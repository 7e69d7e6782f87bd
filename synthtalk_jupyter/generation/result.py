"""Options in, result out: the engine's contract with the store, the exporters and the front-ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pyarrow as pa

from ..schema.model import ForeignKey, Schema


@dataclass
class GenerationOptions:
    rows: int | dict[str, int] = 1000  # a dict: per-table counts (case-insensitive keys/names), "*" = default
    seed: int | None = None
    temperature: float = 1.0  # 0..2
    locale: str = "en_US"
    spec: Any = None  # generation.spec.GenerationSpec | None
    chunk_rows: int = 500_000
    progress: bool = False  # tqdm.auto bar when the work takes more than about a second
    workers: int = 0  # threads generating chunks ahead (0 = auto, 1 = none); output does not depend on it


@dataclass
class GenerationResult:
    schema: Schema
    order: list[str]  # load order (table keys)
    row_counts: dict[str, int]  # after feasibility caps
    deferred: list[tuple[str, ForeignKey]] = field(default_factory=list)  # FKs pointing forward in load order
    notices: list[str] = field(default_factory=list)
    seed: int = 0
    _chunks: Callable[[], Iterator[tuple[str, pa.RecordBatch]]] | None = None

    def chunks(self) -> Iterator[tuple[str, pa.RecordBatch]]:
        """Every table's rows, table by table in load order, in chunks. Can be called again
        (same seed, same data). Computed columns are not included."""
        if self._chunks is None:
            return iter(())
        return self._chunks()
