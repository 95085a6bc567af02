"""W&B cloud sweeps, with the REAL wandb.Api talking to a W&B-compatible server on 127.0.0.1
(tests/wandb_server.py): request counts, pagination, de-duplication, errors, the cache."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from wandb_server import Backend, FakeSweep, Server

HERE = Path(__file__).resolve().parent
KEY = "k" * 40
CONFIG = {"name": "lr-search", "method": "random",
          "metric": {"name": "val_loss", "goal": "minimize"},
          "parameters": {"lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 0.1},
                         "optimizer": {"parameters": {"name": {"values": ["adam", "sgd"]}}}}}


def fake_runs(n: int, prefix: str = "run", crashed: int = 0) -> list[dict]:
    runs = []
    for i in range(n):
        lr = 10 ** (-5 + 4 * ((i * 37) % n) / n)
        state = "crashed" if i < crashed else "finished"
        summary = {"_runtime": 120.0 + i, "_step": 9, "val_acc": 0.5 + i / (4 * n),
                   "media": {"_type": "image-file", "path": "x.png"}}
        if state == "finished":
            summary["val_loss"] = abs(lr - 3e-3) * 100 + (0.2 if i % 2 else 0.0)
        runs.append({"id": f"{prefix}{i:04d}", "name": f"{prefix}-<b>{i}</b>", "state": state,
                     "config": {"lr": lr, "optimizer": {"name": "sgd" if i % 2 else "adam"},
                                "_wandb": {"cli_version": "0.31.0"}},
                     "summary": summary, "tags": ["sweep"] if i % 3 == 0 else [],
                     "createdAt": f"2026-03-0{1 + i // 1440}T{(i // 60) % 24:02d}:{i % 60:02d}:00"})
    return runs


@pytest.fixture()
def backend():
    b = Backend(api_key=KEY)
    b.add(FakeSweep("team", "proj", "abc123", CONFIG, fake_runs(80, crashed=4)))
    b.add(FakeSweep("team", "proj", "def456", {**CONFIG, "name": "second", "method": "bayes"},
                    fake_runs(30, prefix="bay")))
    b.add(FakeSweep("team", "proj", "live01", CONFIG, fake_runs(12, prefix="liv"),
                    state="RUNNING"))
    return b


def run_cli(url: str, tmp: Path, *args: str, key: str = KEY, timeout: float = 120):
    """reportgen in a subprocess: its own wandb service, environment and home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB")}
    env.update({"WANDB_BASE_URL": url, "WANDB_API_KEY": key, "HOME": str(tmp),
                "WANDB_DIR": str(tmp), "WANDB_CONFIG_DIR": str(tmp / ".config"),
                "WANDB_SILENT": "true", "REPORTGEN_CACHE_DIR": str(tmp / "cache")})
    if not key:
        env.pop("WANDB_API_KEY")
    # files, not pipes: a wandb-core process outliving the CLI must not hold the test up
    out, err = tmp / "stdout.txt", tmp / "stderr.txt"
    with open(out, "w") as o, open(err, "w") as e:
        proc = subprocess.run([sys.executable, "-m", "reportgen", "build", *args], stdout=o,
                              stderr=e, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
                              cwd=tmp)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out.read_text(),
                                       err.read_text())


def test_a_sweep_becomes_a_report_with_one_paginated_query(backend, tmp_path):
    with Server(backend) as url:
        proc = run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "r.html",
                       "--json", "r.json", "--timeout", "20")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "r.json").read_text())
    (sweep,) = doc["sweeps"]
    assert sweep["name"] == "lr-search" and sweep["method"] == "random"
    assert sweep["counts"]["total"] == 80 and sweep["counts"]["crashed"] == 4
    assert [p["name"] for p in sweep["params"]] == ["lr", "optimizer.name"]
    assert sweep["params"][0]["scale"] == "log"
    assert backend.count("Runs") == 1  # 80 runs fit one page of 500
    assert backend.count("Run") == 0 and backend.count("GetSweep") == 1
    assert "fetched 80 runs of team/proj/abc123 in 1 page(s)" in proc.stderr
    html = (tmp_path / "r.html").read_text()
    assert "run-&lt;b&gt;0&lt;/b&gt;" in html or "run-\\u003cb\\u003e" in html
    assert KEY not in html and KEY not in proc.stderr and KEY not in proc.stdout
    cached = list((tmp_path / "cache" / "wandb" / "team" / "proj").glob("abc123.json.gz"))
    assert cached and KEY.encode() not in cached[0].read_bytes()


def test_pages_are_followed_and_duplicates_dropped(backend, tmp_path, monkeypatch):
    from reportgen.sources import wandb_api

    backend.duplicate_first_run = True
    backend.sweeps[("team", "proj", "abc123")].runs = fake_runs(1200)
    with Server(backend) as url:
        proc = run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "r.html", "--json",
                       "r.json")
    assert proc.returncode == 0, proc.stderr
    assert backend.count("Runs") == 3 == -(-1200 // wandb_api.PER_PAGE)
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["sweeps"][0]["counts"]["total"] == 1200


def test_a_second_build_of_a_finished_sweep_makes_no_request(backend, tmp_path):
    with Server(backend) as url:
        first = run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "a.html")
        seen = len(backend.requests)
        second = run_cli(url, tmp_path, "https://wandb.ai/team/proj/sweeps/abc123", "-o",
                         "b.html")
        assert len(backend.requests) == seen  # not even the key check
        refreshed = run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "c.html",
                            "--refresh", "-q")
        assert backend.count("Runs") == 2
    assert first.returncode == second.returncode == refreshed.returncode == 0
    assert "from the cache" in second.stderr
    assert refreshed.stderr == "" and refreshed.stdout == ""


def test_a_running_sweep_is_fetched_again_and_offline_uses_the_cache(backend, tmp_path):
    with Server(backend) as url:
        run_cli(url, tmp_path, "wandb://team/proj/live01", "-o", "a.html")
        run_cli(url, tmp_path, "wandb://team/proj/live01", "-o", "b.html")
        assert backend.count("Runs") == 2
        offline = run_cli(url, tmp_path, "wandb://team/proj/live01", "-o", "c.html",
                          "--offline")
        assert backend.count("Runs") == 2
    assert offline.returncode == 0
    assert "Warning: team/proj/live01 was still running when cached" in offline.stderr


def test_offline_without_a_cache_and_a_corrupt_cache(backend, tmp_path):
    with Server(backend) as url:
        missing = run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "a.html",
                          "--offline")
        assert missing.returncode == 1
        assert missing.stderr.startswith("Error: team/proj/abc123: no cached copy in ")
        run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "a.html")
        cache = next((tmp_path / "cache").rglob("abc123.json.gz"))
        cache.write_bytes(b"not gzip")
        again = run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "b.html")
    assert again.returncode == 0
    assert f"Warning: the cached copy of team/proj/abc123 {cache} is damaged" in again.stderr
    assert backend.count("Runs") == 2


def test_a_cache_whose_runs_lack_keys_is_fetched_again_or_named_offline(backend, tmp_path):
    import gzip
    import json

    with Server(backend) as url:
        run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "a.html")
        cache = next((tmp_path / "cache").rglob("abc123.json.gz"))
        doc = json.loads(gzip.decompress(cache.read_bytes()))
        for run in doc["runs"]:
            del run["config"]
        cache.write_bytes(gzip.compress(json.dumps(doc).encode()))
        offline = run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "b.html",
                          "--offline")
        again = run_cli(url, tmp_path, "wandb://team/proj/abc123", "-o", "c.html")
    assert offline.returncode == 1 and offline.stderr.splitlines() == [
        f"Error: team/proj/abc123: the cached copy {cache} holds a run or a field of another "
        "shape than reportgen writes; run without --offline"]
    assert again.returncode == 0, again.stderr
    assert "holds a run or a field of another shape" in again.stderr


@pytest.mark.parametrize("mode, source, key, message", [
    ("ok", "wandb://team/proj/nope99", KEY,
     "Error: sweep team/proj/nope99 not found: check the entity, project and sweep id"),
    ("ok", "wandb://team/other/abc123", KEY, "Error: sweep team/other/abc123 not found"),
    ("401", "wandb://team/proj/abc123", KEY, "Error: W&B refused the API key (401)"),
    ("ok", "wandb://team/proj/abc123", "", "Error: no W&B API key: run `wandb login` or set "
                                           "WANDB_API_KEY"),
    ("429", "wandb://team/proj/abc123", KEY, "Error: W&B rate-limited the requests for "
                                             "team/proj/abc123 (429) and retries ran out"),
    ("500", "wandb://team/proj/abc123", KEY, "Error: the W&B server at http://127.0.0.1:"),
    ("page2", "wandb://team/proj/abc123", KEY, "Error: the fetch of team/proj/abc123 stopped "
                                               "after 500 of 600 runs, so no report was written"),
])
def test_errors_are_one_line_and_write_nothing(backend, tmp_path, mode, source, key, message):
    backend.mode = mode
    if mode == "page2":
        backend.sweeps[("team", "proj", "abc123")].runs = fake_runs(600)
    with Server(backend) as url:
        proc = run_cli(url, tmp_path, source, "-o", "r.html", "--timeout", "3", key=key)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert "Traceback" not in proc.stderr and not (tmp_path / "r.html").exists()
    assert KEY not in proc.stderr


def test_unreachable_server(tmp_path):
    proc = run_cli("http://127.0.0.1:9", tmp_path, "wandb://team/proj/abc123", "-o", "r.html",
                   "--timeout", "2")
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: cannot reach W&B at http://127.0.0.1:9 within 2 s")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_source_strings():
    from reportgen.errors import SourceError
    from reportgen.sources.wandb_api import parse

    assert parse("wandb://a/b/c") == ("a", "b", "c")
    assert parse("https://wandb.ai/a/b/sweeps/c?workspace=user-x") == ("a", "b", "c")
    assert parse("runs.csv") is None and parse("https://example.com/x.csv") is None
    with pytest.raises(SourceError, match="write a W&B sweep as"):
        parse("wandb://a/b")


def test_two_cloud_sweeps_and_a_csv_compare_on_one_page(backend, tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("Name,State,lr,optimizer.name,val_loss\n" + "".join(
        f"c{i},finished,{10 ** (-4 + i / 10)},adam,{0.5 + i / 100}\n" for i in range(20)))
    with Server(backend) as url:
        proc = run_cli(url, tmp_path, "wandb://team/proj/abc123", "wandb://team/proj/def456",
                       str(csv), "-o", "r.html", "--json", "r.json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "r.json").read_text())
    assert [s["name"] for s in doc["sweeps"]] == ["lr-search", "second", "export"]
    assert doc["comparison"]["sweeps"] == ["lr-search", "second", "export"]
    assert doc["comparison"]["budget"] == 20
    assert backend.count("Runs") == 2 and backend.count("Run") == 0


def test_history_is_fetched_in_parallel_cached_and_compared_with_the_final_value(backend,
                                                                                 tmp_path):
    sweep = backend.sweeps[("team", "proj", "abc123")]
    for i, run in enumerate(sweep.runs):
        final = run["summary"].get("val_loss")
        if final is None:
            continue
        # every fourth run was better half-way than at the end
        dip = final - 0.5 if i % 4 == 0 else final
        sweep.history[run["id"]] = [{"_step": 0, "val_loss": final + 1},
                                    {"_step": 1, "val_loss": dip}, {"_step": 2, "val_loss": final}]
    with Server(backend) as url:
        proc = run_cli(url, tmp_path, "wandb://team/proj/abc123", "--history", "-o", "r.html",
                       "--json", "r.json")
        assert proc.returncode == 0, proc.stderr
        assert backend.count("RunSampledHistory") == 80  # one request per run, no more
        again = run_cli(url, tmp_path, "wandb://team/proj/abc123", "--history", "-o", "s.html")
        assert backend.count("RunSampledHistory") == 80  # the cache holds the histories
    assert again.returncode == 0 and "from the cache" in again.stderr
    doc = json.loads((tmp_path / "r.json").read_text())
    finding = next(f for f in doc["sweeps"][0]["findings"] if f["kind"] == "history")
    assert finding["evidence"] == {"runs": 19, "of": 76}


def test_a_port_number_is_not_a_status_code():
    """The loopback server's port (127.0.0.1:40123, :42957) once read as 401 or 429: the
    flaky error tests of earlier sessions."""
    from reportgen.config import FetchOptions
    from reportgen.sources.wandb_errors import describe_error

    for port in (40123, 42957, 34012):
        exc = RuntimeError(f"Max retries exceeded with url: http://127.0.0.1:{port}/graphql "
                           "(Caused by ResponseError('too many 500 error responses'))")
        message = describe_error(exc, "team/proj/abc123", FetchOptions())
        assert message.startswith("the W&B server failed while fetching team/proj/abc123"), \
            message
    assert describe_error(RuntimeError("HTTP 401: unauthorized"), "t/p/s",
                          FetchOptions()).startswith("W&B refused the API key (401)")
