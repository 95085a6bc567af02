"""What went wrong talking to W&B, in one sentence: the wandb client's exceptions classified
(no key, refused key, not found, rate limit, timeout, server error), and when the client only
says it timed out, one plain GraphQL request to tell which it was. The API key never appears."""

from __future__ import annotations

import os
import re

from reportgen.config import FetchOptions


def _status(text: str, code: int) -> bool:
    """Whether `text` names the HTTP status `code` as a word (not inside a port or a number)."""
    return re.search(rf"(?<![:\d.]){code}(?!\d)", text) is not None


def describe_error(exc: Exception, label: str, options: FetchOptions) -> str:
    """One sentence for any failure of the wandb client; the API key never appears."""
    text = " ".join(str(exc).split())
    key = os.environ.get("WANDB_API_KEY")
    if key:
        text = text.replace(key, "***")
    kind = type(exc).__name__
    base = os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")
    lowered = text.lower()
    if kind == "UsageError" and "api key" in lowered:
        return "no W&B API key: run `wandb login` or set WANDB_API_KEY"
    # status codes as words: a port number of the server (127.0.0.1:40123) is not a 401
    if "not logged in" in lowered or _status(lowered, 401) or "unauthorized" in lowered:
        return f"W&B refused the API key (401) for {label}: check WANDB_API_KEY or run " \
               "`wandb login --relogin`"
    if "could not find sweep" in lowered:
        return f"sweep {label} not found: check the entity, project and sweep id (and that " \
               "your key can see them)"
    if "could not find project" in lowered or "project permission denied" in lowered:
        entity, project = label.split("/")[:2]
        return f"project {entity}/{project} not found or not visible with this API key"
    if _status(lowered, 429) or "rate limit" in lowered:
        return f"W&B rate-limited the requests for {label} (429) and retries ran out: wait a " \
               "minute and try again"
    if "did not respond in time" in lowered or "timed out" in lowered or "timeout" in lowered \
            or "connection refused" in lowered or "failed to verify credentials" in lowered:
        # wandb retries 429 and 5xx answers until the timeout and then only says it timed
        # out: one plain request tells which it was
        status = probe(base, options.timeout)
        if status == 429:
            return f"W&B rate-limited the requests for {label} (429) and retries ran out: " \
                   "wait a minute and try again"
        if status is not None and status >= 500:
            return f"the W&B server at {base} answers with errors ({status}) for {label}; " \
                   "try again later"
        if status is not None and status < 400:
            return f"W&B did not answer a request for {label} within {options.timeout:g} s " \
                   "although it answers others (an overloaded server?): try again, or raise " \
                   "--timeout"
        if status == 401:
            return f"W&B refused the API key (401) for {label}: check WANDB_API_KEY or run " \
                   "`wandb login --relogin`"
        return f"cannot reach W&B at {base} within {options.timeout:g} s for {label}: check " \
               "the network (or WANDB_BASE_URL), or use --offline with a cached copy"
    if re.search(r"(?<![:\d])\b5\d\d\b", lowered) or "internal" in lowered:
        return f"the W&B server failed while fetching {label} ({text[:160]}); try again later"
    return f"fetching {label} from W&B failed: {kind}: {text[:200]}"


def probe(base_url: str, timeout: float) -> int | None:
    """The HTTP status of one small GraphQL request to the server, None if unreachable."""
    import base64
    import json
    import urllib.error
    import urllib.request

    key = os.environ.get("WANDB_API_KEY", "")
    request = urllib.request.Request(
        base_url.rstrip("/") + "/graphql", method="POST",
        data=json.dumps({"query": "query Probe { viewer { id } }"}).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": "Basic " + base64.b64encode(f"api:{key}".encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=min(timeout, 10)) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return None
