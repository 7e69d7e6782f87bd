"""What a value generator gets to work with, for one chunk of one table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa


@dataclass
class GenContext:
    rng: np.random.Generator  # the chunk's own generator (derived from seed, table, column, chunk)
    locale: str = "en_US"
    temperature: float = 1.0  # 0..2: diversity (pool sizes, skew, spread), never validity
    row_ids: np.ndarray | None = None  # global row indices of this chunk (int64)
    columns: dict[str, pa.Array] = field(default_factory=dict)  # already generated columns of this chunk
    pools: Any = None  # generation.pools.Pools: cached Faker pools
    seed: int = 0
    table_rows: int = 0  # total rows planned for the table
