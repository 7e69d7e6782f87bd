"""Talk to a dataset: guard, agent loop over OpenAI tool calling, read-only SQL sandbox, charts.

Public entry points (pure core: no IPython / ipywidgets)::

    ask(question, dataset, *, session=None, settings=None, on_event=None) -> ChatResult
    run_sql(sql, dataset, *, settings=None, on_event=None) -> ChatResult      # no LLM
    check_input(text, dataset=None, history=()) -> GuardResult                # local, < 10 ms

``dataset`` is any object with ``.name``, ``.schema``, ``.tables`` and ``.arrow(key)``.
See :mod:`.result` for the event types sent to ``on_event`` and the ChatResult fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .guard import GuardResult, check_input, mask_pii
from .result import ChatEvent, ChatResult, ToolCall

if TYPE_CHECKING:  # pragma: no cover
    from .agent import ask
    from .session import ChatSession, Session, get_session, reset_session
    from .sqlmode import run_sql

__all__ = ["ask", "run_sql", "check_input", "mask_pii", "GuardResult", "ChatResult", "ChatEvent", "ToolCall",
           "ChatSession", "Session", "get_session", "reset_session"]


def __getattr__(name: str):
    if name == "ask":
        from .agent import ask
        return ask
    if name == "run_sql":
        from .sqlmode import run_sql
        return run_sql
    if name in ("ChatSession", "Session", "get_session", "reset_session"):
        from . import session
        return getattr(session, name)
    raise AttributeError(name)
