"""A local Langfuse look-alike on 127.0.0.1 that records what the langfuse SDK sends.

* ``POST /api/public/otel/v1/traces``: OTLP/HTTP protobuf (gzip or not) decoded with
  ``opentelemetry-proto``; every span is kept as a :class:`Span` (name, ids, attributes as
  plain Python values). Reply: 200 with an empty ``ExportTraceServiceResponse``.
* ``POST /api/public/scores``: JSON bodies kept in ``scores``. Reply: 202.
* anything else: 200 ``{}`` (auth checks, media, ingestion).

    with LangfuseReceiver() as lf:
        settings = Settings(langfuse_public_key="pk-lf-test", langfuse_secret_key="sk-lf-test",
                            langfuse_base_url=lf.base_url)
        ...; Tracer(settings).flush()
        lf.wait_for(lambda: lf.spans_named("chat-turn"))
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (ExportTraceServiceRequest,
                                                                       ExportTraceServiceResponse)

from ._loopback import LoopbackServer


def _value(v) -> Any:
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in v.kvlist_value.values}
    if kind == "bytes_value":
        return bytes(v.bytes_value)
    return getattr(v, kind)


@dataclass
class Span:
    name: str
    trace_id: str
    span_id: str
    parent_id: str | None
    attributes: dict = field(default_factory=dict)
    resource: dict = field(default_factory=dict)
    status: int = 0

    @property
    def type(self) -> str | None:
        return self.attributes.get("langfuse.observation.type")

    def json_attr(self, key: str) -> Any:
        v = self.attributes.get(key)
        if isinstance(v, str):
            try:
                return json.loads(v)
            except ValueError:
                return v
        return v


class LangfuseReceiver(LoopbackServer):
    def __init__(self):
        self.spans: list[Span] = []
        self.scores: list[dict] = []
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, headers)
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LangfuseReceiver":
        rec = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: bytes, ctype: str):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                with rec._lock:
                    rec.requests.append(("GET", self.path, dict(self.headers)))
                self._reply(200, b"{}", "application/json")

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                with rec._lock:
                    rec.requests.append(("POST", self.path, dict(self.headers)))
                if self.headers.get("Content-Encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)
                path = self.path.split("?")[0]
                if path.endswith("/otel/v1/traces"):
                    req = ExportTraceServiceRequest()
                    req.ParseFromString(body)
                    spans = []
                    for rs in req.resource_spans:
                        res_attrs = {a.key: _value(a.value) for a in rs.resource.attributes}
                        for ss in rs.scope_spans:
                            for sp in ss.spans:
                                spans.append(Span(
                                    name=sp.name, trace_id=sp.trace_id.hex(), span_id=sp.span_id.hex(),
                                    parent_id=sp.parent_span_id.hex() or None,
                                    attributes={a.key: _value(a.value) for a in sp.attributes},
                                    resource=res_attrs, status=sp.status.code))
                    with rec._lock:
                        rec.spans.extend(spans)
                    self._reply(200, ExportTraceServiceResponse().SerializeToString(), "application/x-protobuf")
                    return
                if path.endswith("/api/public/scores"):
                    try:
                        data = json.loads(body or b"{}")
                    except ValueError:
                        data = {"_raw": body.decode("utf-8", "replace")}
                    items = data if isinstance(data, list) else [data]
                    with rec._lock:
                        rec.scores.extend(items)
                    ids = [i.get("id", "score") if isinstance(i, dict) else "score" for i in items]
                    self._reply(202, json.dumps({"ids": ids}).encode(), "application/json")
                    return
                self._reply(200, b"{}", "application/json")

        return self._serve(Handler, "langfuse-receiver")

    # -- queries -----------------------------------------------------------------------------
    def clear(self) -> None:
        with self._lock:
            self.spans.clear()
            self.scores.clear()
            self.requests.clear()

    def spans_named(self, name: str) -> list[Span]:
        with self._lock:
            return [s for s in self.spans if s.name == name]

    def scores_for(self, trace_id: str) -> list[dict]:
        with self._lock:
            return [s for s in self.scores if s.get("traceId") == trace_id]

    def trace(self, trace_id: str) -> list[Span]:
        with self._lock:
            return [s for s in self.spans if s.trace_id == trace_id]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            v = predicate()
            if v:
                return v
            time.sleep(0.05)
        raise AssertionError("timed out waiting for the receiver")
