"""Synthetic data generation: key plans, value generators, CHECK rules, the engine.

``generate_tables(schema, GenerationOptions(...)) -> GenerationResult`` is the entry point
(imported lazily so that ``from synthtalk_jupyter.generation import checks`` stays light).
"""

from __future__ import annotations

from typing import Any

__all__ = ["generate_tables", "GenerationOptions", "GenerationResult", "GenerationSpec"]


def __getattr__(name: str) -> Any:
    if name == "generate_tables":
        from .engine import generate_tables
        return generate_tables
    if name in ("GenerationOptions", "GenerationResult"):
        from . import result
        return getattr(result, name)
    if name == "GenerationSpec":
        from .spec import GenerationSpec
        return GenerationSpec
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
