"""Langfuse tracing (SDK v5, OpenTelemetry underneath). One trace per chat turn:

* root observation ``chat-turn`` (as_type ``agent``), trace name ``synthtalk.chat``, session id
  per kernel/process (:data:`session.PROCESS_SESSION_ID`), tags (settings.tags + dataset name);
* ``guard`` (as_type ``guardrail``): the local check, its category, rule and latency;
* ``llm-step-N`` (as_type ``generation``): model, input messages, streamed output (text and
  tool calls), token usage, time to first token;
* ``tool:run_sql`` / ``tool:plot`` (as_type ``tool``): SQL text, row count, truncation, errors;
* a ``BOOLEAN`` score (``prompt_injection``, ``jailbreak``, ``off_topic``, ``unsafe_sql``) with
  value 1 on the trace when something is blocked, so alerts can be set on it.

Off unless both Langfuse keys are set (``LANGFUSE_PUBLIC_KEY``/``LANGFUSE_SECRET_KEY``). Spans
are exported by the SDK's background thread; nothing here flushes on the hot path, and every
tracing call is wrapped so that a broken or unreachable Langfuse never breaks a chat.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any, Iterator

from ..config import Settings

log = logging.getLogger(__name__)

SCORE_NAMES = {"injection": "prompt_injection", "jailbreak": "jailbreak", "off_topic": "off_topic",
               "unsafe_sql": "unsafe_sql"}

_clients: dict[tuple, Any] = {}
_lock = threading.Lock()


class _NoopObservation:
    trace_id: str | None = None
    id: str | None = None

    def update(self, **kwargs: Any) -> "_NoopObservation":
        return self


_NOOP = _NoopObservation()


class _Safe:
    """Wraps a Langfuse observation: every call is guarded."""

    def __init__(self, obs: Any):
        self._obs = obs
        self.trace_id = getattr(obs, "trace_id", None)
        self.id = getattr(obs, "id", None)

    def update(self, **kwargs: Any) -> "_Safe":
        try:
            self._obs.update(**{k: v for k, v in kwargs.items() if v is not None})
        except Exception:  # pragma: no cover - tracing must never break a chat
            log.debug("langfuse update failed", exc_info=True)
        return self


def get_langfuse(settings: Settings):
    """A Langfuse client for these settings, or None when tracing is off / unavailable."""
    if not settings.tracing_configured:
        return None
    key = (settings.langfuse_public_key, settings.langfuse_secret_key, settings.langfuse_base_url)
    with _lock:
        client = _clients.get(key)
        if client is None:
            try:
                from langfuse import Langfuse

                kwargs: dict[str, Any] = dict(public_key=settings.langfuse_public_key,
                                              secret_key=settings.langfuse_secret_key,
                                              timeout=int(settings.langfuse_timeout))
                if settings.langfuse_base_url:
                    kwargs["base_url"] = settings.langfuse_base_url
                client = Langfuse(**kwargs)
            except Exception:
                log.warning("Langfuse tracing disabled: the client could not be created", exc_info=True)
                return None
            _clients[key] = client
    return client


class Tracer:
    """Thin, failure-proof wrapper over the Langfuse client (a no-op without one)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = get_langfuse(settings)

    @property
    def enabled(self) -> bool:
        return self.client is not None

    @contextlib.contextmanager
    def _observe(self, **kwargs: Any) -> Iterator[Any]:
        if self.client is None:
            yield _NOOP
            return
        try:
            cm = self.client.start_as_current_observation(**{k: v for k, v in kwargs.items() if v is not None})
            obs = cm.__enter__()
        except Exception:
            log.debug("langfuse observation failed to start", exc_info=True)
            yield _NOOP
            return
        exc_info: tuple = (None, None, None)
        try:
            yield _Safe(obs)
        except BaseException as e:
            exc_info = (type(e), e, e.__traceback__)
            raise
        finally:
            try:
                cm.__exit__(*exc_info)
            except Exception:
                log.debug("langfuse observation failed to end", exc_info=True)

    @contextlib.contextmanager
    def turn(self, question: str, *, dataset: str | None, session_id: str, conversation_id: str | None,
             tags: list[str] | None = None) -> Iterator[Any]:
        if self.client is None:
            yield _NOOP
            return
        with self._observe(name="chat-turn", as_type="agent", input=question,
                           metadata={"dataset": dataset, "conversation": conversation_id}) as root:
            try:
                from langfuse import propagate_attributes

                prop = propagate_attributes(session_id=session_id, tags=list(tags or []),
                                            trace_name="synthtalk.chat",
                                            metadata={"dataset": str(dataset or ""),
                                                      "conversation": str(conversation_id or "")})
                prop.__enter__()
            except Exception:
                log.debug("langfuse propagate_attributes failed", exc_info=True)
                prop = None
            try:
                yield root
            finally:
                if prop is not None:
                    try:
                        prop.__exit__(None, None, None)
                    except Exception:
                        log.debug("langfuse propagate_attributes exit failed", exc_info=True)

    def span(self, name: str, as_type: str = "span", **kwargs: Any):
        return self._observe(name=name, as_type=as_type, **kwargs)

    def generation(self, name: str, **kwargs: Any):
        return self._observe(name=name, as_type="generation", **kwargs)

    def score_blocked(self, category: str, comment: str | None = None) -> None:
        if self.client is None:
            return
        try:
            self.client.score_current_trace(name=SCORE_NAMES.get(category, category), value=1,
                                            data_type="BOOLEAN", comment=comment)
        except Exception:
            log.debug("langfuse score failed", exc_info=True)

    def flush(self) -> None:
        """For tests and shutdown only: never called on the chat's hot path."""
        if self.client is not None:
            try:
                self.client.flush()
            except Exception:
                log.debug("langfuse flush failed", exc_info=True)
