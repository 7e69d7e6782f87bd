"""The ipywidgets app: ``synthtalk_jupyter.dashboard()`` in a notebook, or the Voilà app
``voila notebooks/dashboard.ipynb``."""

from __future__ import annotations

from .app import Dashboard, dashboard

__all__ = ["Dashboard", "dashboard"]
