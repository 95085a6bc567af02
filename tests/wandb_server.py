"""A W&B-compatible GraphQL endpoint on 127.0.0.1 for tests and benchmarks.

It answers the queries the real `wandb.Api` sends (GetViewer / Viewer, GetDefaultEntity,
GetSweep and GetSweepLegacy, Runs with cursor pagination, RunSampledHistory) the way the
service does: config and summaryMetrics as JSON strings, config values wrapped in
{"value": ...}, the lazy page without the heavy fields. Error modes: ok, 401, 404 (the sweep
or project is missing), 429, 500, a failure on the second page, and a per-request latency.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import yaml


@dataclass
class FakeSweep:
    entity: str
    project: str
    sweep_id: str
    config: dict[str, Any]
    runs: list[dict[str, Any]]  # {"id","name","state","config","summary","createdAt",...}
    state: str = "FINISHED"
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Backend:
    sweeps: dict[tuple[str, str, str], FakeSweep] = field(default_factory=dict)
    mode: str = "ok"  # ok | 401 | 429 | 500 | page2 (fail on the second Runs page)
    latency: float = 0.0
    api_key: str = "x" * 40
    duplicate_first_run: bool = False  # repeat a run on the next page, as the service can
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sweep: FakeSweep) -> None:
        self.sweeps[(sweep.entity, sweep.project, sweep.sweep_id)] = sweep

    def count(self, operation: str) -> int:
        return sum(1 for r in self.requests if r == operation)


def _wrap_config(config: dict[str, Any]) -> str:
    return json.dumps({k: {"value": v, "desc": None} for k, v in config.items()})


def _node(run: dict[str, Any], sweep: FakeSweep, lazy: bool) -> dict[str, Any]:
    node = {
        "id": base64.b64encode(f"Run:v1:{run['id']}:{sweep.project}:{sweep.entity}".encode()
                               ).decode(),
        "projectId": 1, "tags": run.get("tags", []), "name": run["id"],
        "displayName": run.get("name", run["id"]), "sweepName": sweep.sweep_id,
        "state": run.get("state", "finished"), "group": run.get("group"), "jobType": None,
        "commit": None, "readOnly": False, "createdAt": run["createdAt"],
        "heartbeatAt": run.get("heartbeatAt", run["createdAt"]), "description": None,
        "notes": None, "historyLineCount": 10, "user": {"name": "ana", "username": "ana"},
    }
    if not lazy:
        summary = dict(run.get("summary", {}))
        node.update({"config": _wrap_config(run.get("config", {})),
                     "summaryMetrics": json.dumps(summary), "systemMetrics": "{}",
                     "historyKeys": {"lastStep": 9, "keys": {}}})
    return node


def answer(backend: Backend, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    query = body.get("query", "")
    variables = body.get("variables") or {}
    m = re.search(r"(query|mutation)\s+(\w+)", query)
    op = m.group(2) if m else "?"
    with backend.lock:
        backend.requests.append(op)
    if op in ("GetViewer", "Viewer"):
        return 200, {"data": {"viewer": {
            "id": "VXNlcjox", "name": "Ana", "username": "ana", "email": "ana@example.com",
            "admin": False, "flags": "{}", "entity": "team", "deletedAt": None,
            "apiKeys": {"edges": []}, "teams": {"edges": []}}}}
    if op == "GetDefaultEntity":
        return 200, {"data": {"viewer": {"id": "VXNlcjox", "entity": "team"}}}
    if op in ("GetSweep", "GetSweepLegacy", "Sweep"):
        key = (variables.get("entity"), variables.get("project"), variables.get("name"))
        sweep = backend.sweeps.get(key)
        if sweep is None:
            return 200, {"data": {"project": {"sweep": None}}}
        node = {"__typename": "Sweep", "id": "U3dlZXA6MQ==", "name": sweep.sweep_id,
                "displayName": sweep.config.get("name", sweep.sweep_id),
                "method": sweep.config.get("method"), "state": sweep.state,
                "description": None, "bestLoss": None, "config": yaml.safe_dump(sweep.config),
                "createdAt": sweep.runs[0]["createdAt"] if sweep.runs else "2026-01-01T00:00:00",
                "updatedAt": "2026-01-02T00:00:00", "runCount": len(sweep.runs),
                "runCountExpected": sweep.config.get("run_cap")}
        return 200, {"data": {"project": {"sweep": node}}}
    if op == "Runs":
        return _runs(backend, query, variables)
    if op == "RunSampledHistory":
        return _history(backend, variables)
    return 200, {"data": {}}


def _runs(backend: Backend, query: str, variables: dict[str, Any]
          ) -> tuple[int, dict[str, Any]]:
    entity, project = variables.get("entity"), variables.get("project")
    filters = json.loads(variables.get("filters") or "{}")
    sweep_id = _sweep_filter(filters)
    matches = [s for (e, p, _), s in backend.sweeps.items() if e == entity and p == project]
    if not matches:
        return 200, {"data": {"project": None}}
    runs = [r for s in matches if sweep_id in (None, s.sweep_id) for r in s.runs]
    sweep = next((s for s in matches if s.sweep_id == sweep_id), matches[0])
    per_page = int(variables.get("perPage") or 50)
    start = int(variables.get("cursor") or 0)
    if backend.mode == "page2" and start > 0:
        return 500, {"errors": [{"message": "internal error while listing runs"}]}
    page = runs[start:start + per_page]
    if backend.duplicate_first_run and start > 0 and runs:
        page = [runs[start - 1]] + page
    lazy = "LightweightRunFragment" in query and "...RunFragment" not in query
    end = start + per_page
    return 200, {"data": {"project": {
        "internalId": 1, "runCount": len(runs), "readOnly": False,
        "runs": {"edges": [{"node": _node(r, sweep, lazy), "cursor": str(start + i + 1)}
                           for i, r in enumerate(page)],
                 "pageInfo": {"endCursor": str(min(end, len(runs))),
                              "hasNextPage": end < len(runs)}}}}}


def _sweep_filter(filters: dict[str, Any]) -> str | None:
    if "sweep" in filters:
        return filters["sweep"]
    for clause in filters.get("$and", []):
        if "sweep" in clause:
            return clause["sweep"]
    return None


def _history(backend: Backend, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    name = variables.get("name")
    for sweep in backend.sweeps.values():
        if name in sweep.history:
            rows = sweep.history[name]
            return 200, {"data": {"project": {"run": {"sampledHistory": [rows]}}}}
    return 200, {"data": {"project": {"run": {"sampledHistory": [[]]}}}}


class _Handler(BaseHTTPRequestHandler):
    backend: Backend

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        backend = self.backend
        if backend.latency:
            time.sleep(backend.latency)
        if not self.path.startswith("/graphql"):
            self._send(200, {})
            return
        if backend.mode == "401" or not self._authorised():
            self._send(401, {"errors": [{"message": "user is not logged in"}]})
            return
        if backend.mode == "429":
            with backend.lock:
                backend.requests.append("429")
            self._send(429, {"errors": [{"message": "rate limit exceeded"}]},
                       {"Retry-After": "1"})
            return
        if backend.mode == "500":
            with backend.lock:
                backend.requests.append("500")
            self._send(500, {"errors": [{"message": "internal server error"}]})
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send(400, {"errors": [{"message": "bad json"}]})
            return
        status, payload = answer(backend, body)
        self._send(status, payload)

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user_key = base64.b64decode(header[6:]).decode()
        except ValueError:
            return False
        return user_key.split(":", 1)[-1] == self.backend.api_key

    def _send(self, status: int, payload: dict[str, Any],
              headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


class Server:
    """`with Server(backend) as url:` — a threaded HTTP server on 127.0.0.1, port chosen by
    the system."""

    def __init__(self, backend: Backend) -> None:
        handler = type("Handler", (_Handler,), {"backend": backend})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
