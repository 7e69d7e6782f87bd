"""A minimal OpenAI-compatible chat server on 127.0.0.1 with scripted answers (non-streaming).

Used by the planner and modify tests until/unless the Talk side's ``openai_server.py`` is used.
Each request to ``POST /v1/chat/completions`` takes the next scripted answer: a string (the
message content), a dict (the whole ``message``), or a callable ``(request_json) -> str | dict``.
Requests are recorded in ``server.requests`` (parsed JSON bodies).

    with ScriptedLLM(['{"tables": [], ...}']) as llm:
        settings = Settings(base_url=llm.base_url, api_key="x")
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable


class ScriptedLLM:
    def __init__(self, answers: Iterable[Any] = (), *, model: str = "fake-model"):
        self.answers = list(answers)
        self.requests: list[dict] = []
        self.model = model
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                with server._lock:
                    server.requests.append(body)
                    answer = server.answers.pop(0) if server.answers else "{}"
                if callable(answer):
                    answer = answer(body)
                if isinstance(answer, tuple) and answer and answer[0] == "status":
                    self._send(answer[1], {"error": {"message": answer[2] if len(answer) > 2 else "error"}})
                    return
                message = answer if isinstance(answer, dict) else {"role": "assistant", "content": answer}
                message.setdefault("role", "assistant")
                text = message.get("content") or ""
                self._send(200, {
                    "id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model") or server.model,
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": max(1, len(text) // 4),
                              "total_tokens": 100 + max(1, len(text) // 4)},
                })

            def _send(self, status: int, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def add(self, *answers: Any) -> "ScriptedLLM":
        self.answers.extend(answers)
        return self

    def start(self) -> "ScriptedLLM":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> "ScriptedLLM":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
