"""synthtalk_jupyter: generate constraint-valid synthetic data from any SQL DDL, then talk to it.

In a notebook: ``%load_ext synthtalk_jupyter``, then ``%%ddl_generate`` and ``%chat``.
In Python: ``generate(ddl)``, ``ask(question)``, ``check_input(text)``, ``dashboard()``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import (  # noqa: F401  (light: heavy imports happen inside the functions)
    active_dataset,
    ask,
    check_input,
    drop_dataset,
    generate,
    get_store,
    list_datasets,
    open_dataset,
    parse_ddl,
    run_sql,
    set_store,
)
from .errors import SynthTalkError  # noqa: F401

__all__ = [
    "generate", "ask", "run_sql", "check_input", "dashboard", "parse_ddl", "open_dataset",
    "list_datasets", "drop_dataset", "active_dataset", "get_store", "set_store", "SynthTalkError",
    "load_ipython_extension", "unload_ipython_extension",
]


def dashboard(**kwargs):
    """The ipywidgets app (Data Generation and Talk tabs)."""
    from .dashboard import dashboard as _dashboard

    return _dashboard(**kwargs)


def load_ipython_extension(ipython):
    """``%load_ext synthtalk_jupyter``"""
    from .magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython):
    from .magics import unload_ipython_extension as _unload

    _unload(ipython)
