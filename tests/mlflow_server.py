"""An MLflow tracking server's REST API on 127.0.0.1, for tests: it answers the requests the
real `MlflowClient` sends to read an experiment (experiments/search, runs/search with page
tokens, metrics/get-history), with the runs of a file store made by MLflow itself, written
as the server writes them (the entities' protobuf messages as JSON)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


def serve(root: Path, page: int = 5):  # type: ignore[no-untyped-def]
    """Start a server over the file store `root`; returns (url, stop). Runs come `page` at a
    time, so the client must follow page tokens."""
    from google.protobuf.json_format import MessageToDict
    from mlflow.entities import ViewType
    from mlflow.store.tracking.file_store import FileStore

    store = FileStore(str(root))
    seen: list[str] = []  # the endpoints asked, in order

    def as_json(entity) -> dict:  # type: ignore[no-untyped-def]
        return MessageToDict(entity.to_proto(), preserving_proto_field_name=True)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

        def _send(self, body: dict, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            path = urlparse(self.path).path
            seen.append(path)
            ask = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)) or 2))
            if path.endswith("/experiments/search"):
                found = store.search_experiments(view_type=ViewType.ACTIVE_ONLY)
                self._send({"experiments": [as_json(e) for e in found]})
            elif path.endswith("/runs/search"):
                start = int(ask.get("page_token") or 0)
                runs = store.search_runs(ask["experiment_ids"], "", ViewType.ACTIVE_ONLY,
                                         10_000, None, None)
                body: dict = {"runs": [as_json(r) for r in runs[start:start + page]]}
                if start + page < len(runs):
                    body["next_page_token"] = str(start + page)
                self._send(body)
            else:
                self._send({"error_code": "ENDPOINT_NOT_FOUND", "message": path}, 404)

        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            seen.append(url.path)
            if url.path.endswith("/metrics/get-history"):
                q = parse_qs(url.query)
                history = store.get_metric_history(q["run_id"][0], q["metric_key"][0])
                self._send({"metrics": [as_json(m) for m in history]})
            else:
                self._send({"error_code": "ENDPOINT_NOT_FOUND", "message": url.path}, 404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> list[str]:
        server.shutdown()
        server.server_close()
        return seen

    return f"http://127.0.0.1:{server.server_address[1]}", stop
