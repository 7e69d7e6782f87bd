"""A fake OpenAI-compatible server on 127.0.0.1: real HTTP, SSE streaming, tool calls, errors.

Scripted per test: each ``POST /v1/chat/completions`` takes the next item of the script::

    with FakeOpenAI([ToolCall("run_sql", {"sql": "SELECT 1"}), Reply("Done.")]) as llm:
        settings = Settings(base_url=llm.base_url, api_key="test", model="fake")
        ...
        llm.requests[1]["messages"]   # what the client sent

Items: :class:`Reply` (assistant text), :class:`ToolCall` / :class:`ToolCalls` (one or more
tool calls, arguments split across chunks), :class:`HTTPError` (status + JSON error body),
:class:`Garbage` (a 200 with a body that is not a valid response), :class:`Stall` (sleep, then
answer with the wrapped item or drop the connection), :class:`Drip` (stream a reply slowly),
or a callable ``(request_json) -> item``. Answers follow the request's ``stream`` flag: SSE
``chat.completion.chunk`` events (plus a usage chunk when ``stream_options.include_usage``),
or one ``chat.completion`` JSON object. An exhausted script answers 500 "script exhausted".
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Iterable

from ._loopback import LoopbackServer


@dataclass
class Reply:
    text: str
    chunk: int = 4  # characters per streamed delta
    prompt_tokens: int = 50
    completion_tokens: int | None = None


@dataclass
class ToolCall:
    name: str
    arguments: Any  # dict (JSON-encoded) or raw string (may be invalid JSON on purpose)
    id: str | None = None
    text: str = ""  # optional content streamed before the call


@dataclass
class ToolCalls:
    calls: list[ToolCall]
    text: str = ""


@dataclass
class HTTPError:
    status: int = 500
    message: str = "internal error"
    body: str | None = None  # raw body instead of the JSON error


@dataclass
class Garbage:
    body: str = "<html>definitely not json</html>"
    content_type: str | None = None  # default: what the client expects (SSE / JSON)


@dataclass
class Stall:
    seconds: float
    then: Any = None  # None: close the connection without answering


@dataclass
class Drip:
    reply: Reply
    delay: float = 0.2  # seconds between chunks


_counter = iter(range(1, 10**9))


class FakeOpenAI(LoopbackServer):
    def __init__(self, script: Iterable[Any] = (), *, model: str = "fake-model"):
        self.script: list[Any] = list(script)
        self.requests: list[dict] = []
        self.model = model
        self._lock = threading.Lock()

    # -- script --------------------------------------------------------------------------
    def add(self, *items: Any) -> "FakeOpenAI":
        with self._lock:
            self.script.extend(items)
        return self

    def _next(self, request: dict) -> Any:
        with self._lock:
            self.requests.append(request)
            item = self.script.pop(0) if self.script else HTTPError(500, "script exhausted")
        if callable(item) and not isinstance(item, type):
            item = item(request)
        return item

    # -- server --------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeOpenAI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):  # /v1/models, for clients that probe
                self._json(200, {"object": "list", "data": [{"id": fake.model, "object": "model"}]})

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                try:
                    req = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    req = {"_raw": raw.decode("utf-8", "replace")}
                req["_path"] = self.path
                req["_headers"] = dict(self.headers)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                try:
                    self._answer(fake._next(req), req)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            # helpers
            def _json(self, status: int, obj: Any, raw: str | None = None, ctype="application/json"):
                body = (raw if raw is not None else json.dumps(obj)).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _sse_start(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()

            def _event(self, obj: Any):
                data = obj if isinstance(obj, str) else json.dumps(obj)
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()

            def _answer(self, item: Any, req: dict):
                stream = bool(req.get("stream"))
                usage_wanted = bool((req.get("stream_options") or {}).get("include_usage"))
                if isinstance(item, Stall):
                    time.sleep(item.seconds)
                    if item.then is None:
                        try:
                            self.connection.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass
                        return
                    item = item.then
                if isinstance(item, str):
                    item = Reply(item)
                if isinstance(item, HTTPError):
                    if item.body is not None:
                        self._json(item.status, None, raw=item.body, ctype="text/plain")
                    else:
                        self._json(item.status, {"error": {"message": item.message, "type": "server_error",
                                                           "code": item.status}})
                    return
                if isinstance(item, Garbage):
                    ctype = item.content_type or ("text/event-stream" if stream else "application/json")
                    self._json(200, None, raw=item.body, ctype=ctype)
                    return
                delay = 0.0
                if isinstance(item, Drip):
                    delay, item = item.delay, item.reply
                if isinstance(item, ToolCall):
                    item = ToolCalls([item], text=item.text)
                cid = f"chatcmpl-{next(_counter)}"
                base = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()),
                        "model": req.get("model") or fake.model}
                if isinstance(item, Reply):
                    text = item.text
                    completion = item.completion_tokens or max(1, len(text) // 4)
                    usage = {"prompt_tokens": item.prompt_tokens, "completion_tokens": completion,
                             "total_tokens": item.prompt_tokens + completion}
                    if not stream:
                        self._json(200, {**base, "object": "chat.completion", "usage": usage, "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}]})
                        return
                    self._sse_start()
                    self._event({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                                      "finish_reason": None}]})
                    for i in range(0, len(text), max(1, item.chunk)):
                        if delay:
                            time.sleep(delay)
                        self._event({**base, "choices": [{"index": 0, "delta": {"content": text[i:i + item.chunk]},
                                                          "finish_reason": None}]})
                    self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                    if usage_wanted:
                        self._event({**base, "choices": [], "usage": usage})
                    self._event("[DONE]")
                    return
                if isinstance(item, ToolCalls):
                    calls = []
                    for i, c in enumerate(item.calls):
                        args = c.arguments if isinstance(c.arguments, str) else json.dumps(c.arguments)
                        calls.append((i, c.id or f"call_{next(_counter)}", c.name, args))
                    usage = {"prompt_tokens": 60, "completion_tokens": 20, "total_tokens": 80}
                    if not stream:
                        self._json(200, {**base, "object": "chat.completion", "usage": usage, "choices": [{
                            "index": 0, "finish_reason": "tool_calls", "message": {
                                "role": "assistant", "content": item.text or None,
                                "tool_calls": [{"id": cid_, "type": "function",
                                                "function": {"name": name, "arguments": args}}
                                               for _, cid_, name, args in calls]}}]})
                        return
                    self._sse_start()
                    self._event({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": None},
                                                      "finish_reason": None}]})
                    if item.text:
                        self._event({**base, "choices": [{"index": 0, "delta": {"content": item.text},
                                                          "finish_reason": None}]})
                    for i, cid_, name, args in calls:
                        self._event({**base, "choices": [{"index": 0, "delta": {"tool_calls": [{
                            "index": i, "id": cid_, "type": "function",
                            "function": {"name": name, "arguments": ""}}]}, "finish_reason": None}]})
                        step = max(1, len(args) // 3)
                        for j in range(0, len(args), step):
                            if delay:
                                time.sleep(delay)
                            self._event({**base, "choices": [{"index": 0, "delta": {"tool_calls": [{
                                "index": i, "function": {"arguments": args[j:j + step]}}]}, "finish_reason": None}]})
                    self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})
                    if usage_wanted:
                        self._event({**base, "choices": [], "usage": usage})
                    self._event("[DONE]")
                    return
                self._json(500, {"error": {"message": f"bad script item {item!r}"}})

        return self._serve(Handler, "fake-openai")

    # -- helpers for assertions ------------------------------------------------------------------
    def tool_messages(self, i: int = -1) -> list[dict]:
        """The ``role: tool`` messages of request ``i``."""
        return [m for m in self.requests[i].get("messages", []) if m.get("role") == "tool"]
