"""Fixtures for the in-process dashboard tests: a fresh store per test, widget-tree helpers."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def store(tmp_path, monkeypatch):
    from synthtalk_jupyter import api

    monkeypatch.setenv("SYNTHTALK_STORE", str(tmp_path / "store.duckdb"))
    monkeypatch.setenv("LANGFUSE_TRACING_ENABLED", "false")
    st = api.get_store(tmp_path / "store.duckdb")
    old = api._store
    api.set_store(st)
    yield st
    api._store = old


@pytest.fixture
def clean_settings(monkeypatch):
    """Process-wide LLM settings reset around a test (the dashboard's Settings page changes them)."""
    from synthtalk_jupyter import config

    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SYNTHTALK_MODEL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SYNTHTALK_ENV_FILE", os.devnull)
    config.set_settings(None)
    yield config
    config.set_settings(None)
