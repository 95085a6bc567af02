"""Time fetching a W&B sweep of N runs from a W&B-compatible server on 127.0.0.1 with a fixed
latency per request (default 1,000 runs, 30 ms), through the real wandb client.

    python benchmarks/fetch_time.py 1000 0.03

Prints the request count by kind and the fetch time reportgen reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_sources_wandb_api import CONFIG, KEY, fake_runs  # noqa: E402
from wandb_server import Backend, FakeSweep, Server  # noqa: E402


def main(n: int, latency: float) -> None:
    backend = Backend(api_key=KEY, latency=latency)
    backend.add(FakeSweep("team", "proj", "bench1", CONFIG, fake_runs(n)))
    with tempfile.TemporaryDirectory() as tmp, Server(backend) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB")}
        env.update({"WANDB_BASE_URL": url, "WANDB_API_KEY": KEY, "HOME": tmp,
                    "WANDB_DIR": tmp, "WANDB_SILENT": "true", "REPORTGEN_CACHE_DIR": tmp})
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "reportgen", "build", "wandb://team/proj/bench1",
                               "-o", f"{tmp}/r.html"], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
    kinds = {k: backend.count(k) for k in dict.fromkeys(backend.requests)}
    print(f"{n} runs, {latency * 1000:.0f} ms per request: {proc.stderr.strip().splitlines()[0]}")
    print(f"requests: {kinds}; whole build {wall:.1f} s")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 1000, float(args[1]) if len(args) > 1 else 0.03)
