"""SQL mode (``%chat --sql ...``): run the user's own SQL in the sandbox, no LLM involved."""

from __future__ import annotations

import logging
import time
from typing import Callable

from ..config import Settings, get_settings
from ..errors import SQLRefused
from .result import ChatEvent, ChatResult, ToolCall
from .sandbox import QueryFailed, Sandbox, shared_sandbox

log = logging.getLogger(__name__)


def emit(on_event: Callable[[ChatEvent], None] | None, event: ChatEvent) -> None:
    """Send an event to the front-end; a failing renderer never breaks the turn."""
    if on_event is None:
        return
    try:
        on_event(event)
    except Exception:  # pragma: no cover - front-end bug
        log.exception("on_event handler failed for %s", event.type)


def run_sql(sql: str, dataset, *, settings: Settings | None = None,
            on_event: Callable[[ChatEvent], None] | None = None, sandbox: Sandbox | None = None) -> ChatResult:
    """Check and run one read-only query on ``dataset``. Never raises for a bad query:
    a refusal gives ``status="blocked"``, ``blocked=True``, ``category="unsafe_sql"``;
    a database error or timeout gives ``status="error"``; ``.reason`` says why."""
    s = settings or get_settings()
    t0 = time.perf_counter()
    res = ChatResult(question=sql)
    if dataset is None:
        res.status, res.reason = "error", "No dataset: generate or open one first."
        res.text = res.reason
        emit(on_event, ChatEvent("error", reason=res.reason))
        emit(on_event, ChatEvent("done", result=res))
        return res
    sb = sandbox or shared_sandbox(dataset, memory_limit=s.memory_limit)
    call = ToolCall(name="run_sql", arguments={"sql": sql})
    try:
        checked = sb.check(sql)
        emit(on_event, ChatEvent("sql", sql=checked.sql))
        q = sb.execute(checked, row_cap=s.row_cap, timeout=s.query_timeout)
    except SQLRefused as e:
        call.ok, call.refused, call.error = False, True, e.message
        res.status, res.blocked, res.category, res.reason = "blocked", True, "unsafe_sql", e.message
        res.text = f"Query refused: {e.message}"
        emit(on_event, ChatEvent("sql_error", sql=sql, reason=e.message, refused=True))
    except QueryFailed as e:
        call.ok, call.error = False, e.message
        res.status, res.reason = "error", e.message
        res.text = f"Query failed: {e.message}"
        emit(on_event, ChatEvent("sql_error", sql=sql, reason=e.message, refused=False))
    else:
        call.sql, call.row_count, call.truncated, call.elapsed_ms = q.sql, q.row_count, q.truncated, q.elapsed_ms
        res.sql, res.df, res.row_count, res.truncated = q.sql, q.df, q.row_count, q.truncated
        res.text = f"{q.row_count} row{'s' if q.row_count != 1 else ''}" + (
            f" (first {q.row_count} shown; more rows exist)" if q.truncated else "")
        emit(on_event, ChatEvent("table", sql=q.sql, df=res.df, row_count=q.row_count, truncated=q.truncated))
    res.tool_calls.append(call)
    res.elapsed_ms = (time.perf_counter() - t0) * 1000
    emit(on_event, ChatEvent("done", result=res))
    return res
