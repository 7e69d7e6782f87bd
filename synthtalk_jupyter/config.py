"""Settings shared by the magics, the dashboard, the chat engine and the generation side.

One object, read from (lowest to highest priority) defaults, an optional ``.env`` file,
the environment, then explicit assignments (``%config SynthTalk.model = ...`` is bridged
onto :func:`get_settings` by the magics)::

    from synthtalk_jupyter.config import get_settings
    s = get_settings()          # the process-wide Settings
    s.model = "llama3.1"        # what %config SynthTalk.model does
    s.llm_configured            # False -> chat explains how to set a key / point at Ollama

Environment variables: ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``SYNTHTALK_MODEL``,
``SYNTHTALK_TIMEOUT``, ``SYNTHTALK_MAX_RETRIES``, ``SYNTHTALK_MAX_STEPS``, ``SYNTHTALK_ROW_CAP``,
``SYNTHTALK_QUERY_TIMEOUT``, ``SYNTHTALK_MASK_PII``, ``SYNTHTALK_GUARD_LLM_JUDGE``,
``SYNTHTALK_ENV_FILE``, ``LANGFUSE_PUBLIC_KEY``, ``LANGFUSE_SECRET_KEY``,
``LANGFUSE_BASE_URL`` (or the older ``LANGFUSE_HOST``), ``LANGFUSE_TRACING_ENABLED``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

DEFAULT_MODEL = "gpt-4o-mini"
OLLAMA_URL = "http://localhost:11434/v1"


def _bool(v: str | None, default: bool) -> bool:
    if v is None or v.strip() == "":
        return default
    return v.strip().lower() in {"1", "true", "yes", "on"}


def _num(v: str | None, default, cast):
    if v is None or v.strip() == "":
        return default
    try:
        return cast(v)
    except ValueError:
        return default


@dataclass
class Settings:
    # LLM endpoint (any OpenAI-compatible server)
    api_key: str | None = None
    base_url: str | None = None  # None = api.openai.com
    model: str = DEFAULT_MODEL
    temperature: float | None = 0.0  # None: don't send (some reasoning models refuse it)
    timeout: float = 60.0  # seconds per model request (connect + read)
    max_retries: int = 2  # client retries on connection errors / 429 / 5xx
    # agent
    max_steps: int = 6  # model calls per turn (tool rounds included)
    turn_timeout: float = 180.0  # seconds for a whole turn (a server dripping tokens forever is cut)
    preview_rows: int = 20  # rows of a result the model sees
    preview_chars: int = 4000  # characters of a result preview the model sees
    history_turns: int = 10  # past turns sent with a follow-up
    # sandbox
    row_cap: int = 10_000  # rows fetched from a query (truncation is reported)
    query_timeout: float = 10.0  # seconds before a query is interrupted
    memory_limit: str = "2GB"  # of the sandbox DuckDB instance
    # guard
    mask_pii: bool = False  # mask emails, phones, cards, IBANs before sending user text
    guard_llm_judge: bool = False  # second guard layer: ask the model to classify the input
    # tracing (Langfuse): off unless both keys are set
    langfuse_public_key: str | None = None
    langfuse_secret_key: str | None = None
    langfuse_base_url: str | None = None
    langfuse_enabled: bool = True
    langfuse_timeout: int = 5
    tags: list[str] = field(default_factory=lambda: ["synthtalk"])

    # -- derived ---------------------------------------------------------------
    @property
    def llm_configured(self) -> bool:
        """An API key or a base URL (local servers such as Ollama accept any key)."""
        return bool(self.api_key or self.base_url)

    @property
    def tracing_configured(self) -> bool:
        return bool(self.langfuse_enabled and self.langfuse_public_key and self.langfuse_secret_key)

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)

    def update(self, **changes: Any) -> "Settings":
        names = {f.name for f in fields(self)}
        for k, v in changes.items():
            if k not in names:
                raise AttributeError(f"unknown setting {k!r} (known: {', '.join(sorted(names))})")
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:  # never show secrets
        parts = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in {"api_key", "langfuse_secret_key"} and v:
                v = "***"
            parts.append(f"{f.name}={v!r}")
        return f"Settings({', '.join(parts)})"

    # -- loading ---------------------------------------------------------------
    @classmethod
    def load(cls, **overrides: Any) -> "Settings":
        """The process-wide settings with ``overrides`` applied (a copy: the shared object is
        not changed). What the magics use for ``%config SynthTalk.*`` values."""
        base = get_settings()
        names = {f.name for f in fields(cls)}
        return base.replace(**{k: v for k, v in overrides.items() if k in names})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, env_file: str | os.PathLike | None = None,
                 **overrides: Any) -> "Settings":
        """Defaults < ``.env`` file < environment < ``overrides``.

        The ``.env`` file is ``env_file``, else ``$SYNTHTALK_ENV_FILE``, else ``./.env`` if it
        exists. Its values never overwrite variables already set in the environment.
        """
        merged: dict[str, str] = {}
        base = dict(os.environ if env is None else env)
        path = env_file or base.get("SYNTHTALK_ENV_FILE") or (".env" if Path(".env").is_file() else None)
        if path and Path(path).is_file():
            from dotenv import dotenv_values

            merged.update({k: v for k, v in dotenv_values(path).items() if v is not None})
        merged.update(base)
        g = merged.get
        s = cls(
            api_key=g("OPENAI_API_KEY") or None,
            base_url=g("OPENAI_BASE_URL") or None,
            model=g("SYNTHTALK_MODEL") or DEFAULT_MODEL,
            timeout=_num(g("SYNTHTALK_TIMEOUT"), 60.0, float),
            max_retries=_num(g("SYNTHTALK_MAX_RETRIES"), 2, int),
            max_steps=_num(g("SYNTHTALK_MAX_STEPS"), 6, int),
            row_cap=_num(g("SYNTHTALK_ROW_CAP"), 10_000, int),
            query_timeout=_num(g("SYNTHTALK_QUERY_TIMEOUT"), 10.0, float),
            mask_pii=_bool(g("SYNTHTALK_MASK_PII"), False),
            guard_llm_judge=_bool(g("SYNTHTALK_GUARD_LLM_JUDGE"), False),
            langfuse_public_key=g("LANGFUSE_PUBLIC_KEY") or None,
            langfuse_secret_key=g("LANGFUSE_SECRET_KEY") or None,
            langfuse_base_url=g("LANGFUSE_BASE_URL") or g("LANGFUSE_HOST") or None,
            langfuse_enabled=_bool(g("LANGFUSE_TRACING_ENABLED"), True),
        )
        return s.update(**overrides) if overrides else s


_settings: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings (loaded from the environment on first use)."""
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def set_settings(settings: Settings | None) -> None:
    """Replace the process-wide settings (None: reload from the environment on next use)."""
    global _settings
    _settings = settings
