"""Conversation history per dataset (what a follow-up question sees); ``reset()`` clears it."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

# one id per kernel / process: groups every turn of this notebook in Langfuse
PROCESS_SESSION_ID = f"synthtalk-{uuid.uuid4().hex[:12]}"


@dataclass
class Turn:
    question: str  # as sent to the model (PII-masked when masking is on)
    answer: str
    sql: str | None = None


@dataclass
class ChatSession:
    dataset_name: str | None = None
    max_turns: int = 10
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    turns: list[Turn] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()

    def add(self, question: str, answer: str, sql: str | None = None) -> None:
        with self._lock:
            self.turns.append(Turn(question, answer, sql))
            del self.turns[: -self.max_turns]

    def reset(self) -> None:
        with self._lock:
            self.turns.clear()
            self.id = uuid.uuid4().hex[:12]

    def questions(self) -> list[str]:
        return [t.question for t in self.turns]

    def messages(self, limit: int | None = None) -> list[dict]:
        """Past turns as chat messages: the question, then the answer with the SQL it used."""
        out: list[dict] = []
        turns = self.turns[-limit:] if limit else self.turns
        for t in turns:
            out.append({"role": "user", "content": t.question})
            answer = t.answer or "(no answer)"
            if t.sql:
                answer += f"\n\n[SQL used for this answer]\n{t.sql}"
            out.append({"role": "assistant", "content": answer})
        return out

    def __len__(self) -> int:
        return len(self.turns)


Session = ChatSession

_sessions: dict[str, ChatSession] = {}
_lock = threading.Lock()


def get_session(dataset_name: str | None) -> ChatSession:
    """The process-wide session of a dataset (used when ``ask`` gets no session)."""
    key = dataset_name or ""
    with _lock:
        s = _sessions.get(key)
        if s is None:
            s = _sessions[key] = ChatSession(dataset_name)
        return s


def reset_session(dataset_name: str | None = None) -> None:
    """Clear one dataset's history, or every history when ``dataset_name`` is None."""
    with _lock:
        if dataset_name is None:
            for s in _sessions.values():
                s.reset()
        elif dataset_name in _sessions:
            _sessions[dataset_name].reset()
