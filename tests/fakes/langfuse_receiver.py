"""A Langfuse stand-in on 127.0.0.1 for tests: receives the OTLP/HTTP spans (and JSON scores) the real
``langfuse`` SDK exports and decodes them (``opentelemetry-proto``).

    otlp = OTLPReceiver()
    settings = settings.replace(langfuse_public_key="pk-...", langfuse_secret_key="sk", langfuse_base_url=otlp.url)
    ...; Tracer(settings).flush()
    otlp.by_name("modify")[0]["attrs"]["langfuse.trace.name"]
    otlp.stop()
"""

from __future__ import annotations

import json
import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OTLPReceiver:
    """A Langfuse stand-in on 127.0.0.1: decodes the OTLP/HTTP spans the real SDK exports."""

    def __init__(self):
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (ExportTraceServiceRequest,
                                                                              ExportTraceServiceResponse)

        self.spans: list[dict] = []
        self.scores: list[dict] = []
        recv = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path.endswith("/otel/v1/traces"):
                    req = ExportTraceServiceRequest()
                    req.ParseFromString(body)
                    for rs in req.resource_spans:
                        for ss in rs.scope_spans:
                            for sp in ss.spans:
                                attrs = {}
                                for a in sp.attributes:
                                    v = a.value
                                    attrs[a.key] = (v.string_value if v.HasField("string_value") else
                                                    [x.string_value for x in v.array_value.values]
                                                    if v.HasField("array_value") else v.int_value)
                                recv.spans.append({"name": sp.name, "id": sp.span_id.hex(),
                                                   "parent": sp.parent_span_id.hex(), "trace": sp.trace_id.hex(),
                                                   "attrs": attrs})
                    out, status, ctype = ExportTraceServiceResponse().SerializeToString(), 200, "application/x-protobuf"
                else:
                    try:
                        recv.scores.append(json.loads(body or b"{}"))
                    except ValueError:
                        pass
                    out, status, ctype = b"{}", 202, "application/json"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def by_name(self, name: str) -> list[dict]:
        return [s for s in self.spans if s["name"] == name]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "OTLPReceiver":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
