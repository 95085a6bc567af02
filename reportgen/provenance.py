"""What made a report: the command (never a secret), the sources and the versions of
reportgen and of the libraries that shaped its numbers and its page."""

from __future__ import annotations

import os
import platform
import re
import shlex
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

from reportgen import __version__
from reportgen.errors import ConfigError

#: the libraries whose versions a report names (read from package metadata: no import)
LIBRARIES = ("bokeh", "pandas", "numpy", "scipy", "jinja2", "click", "wandb",
             "pyarrow")
HIDDEN = "***"
_SECRET_OPTION = re.compile(r"^--?[\w-]*(key|token|secret|password|passwd|auth)[\w-]*$", re.I)
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s:]+:[^/@\s]+@", re.I)
_LONG_HEX = re.compile(r"\b[0-9a-f]{40,}\b", re.I)  # W&B API keys are 40 hex digits


def versions() -> dict[str, str]:
    """Python, reportgen and each installed library of LIBRARIES."""
    out = {"python": platform.python_version(), "reportgen": __version__}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def redact(args: list[str]) -> list[str]:
    """The arguments with every secret replaced: values of options named like a key, token
    or password; credentials in URLs; the W&B API key of the environment; long hex tokens."""
    key = os.environ.get("WANDB_API_KEY", "")
    out: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next:
            out.append(HIDDEN)
            hide_next = False
            continue
        name, eq, _ = arg.partition("=")
        if _SECRET_OPTION.match(name):
            if eq:
                out.append(f"{name}={HIDDEN}")
            else:
                out.append(arg)
                hide_next = True
            continue
        if len(key) >= 8:
            arg = arg.replace(key, HIDDEN)
        arg = _URL_CREDENTIALS.sub(lambda m: f"{m.group('scheme')}{HIDDEN}@", arg)
        out.append(_LONG_HEX.sub(HIDDEN, arg))
    return out


def command_line(subcommand: str, args: list[str]) -> str:
    """`reportgen SUBCOMMAND ARGS…` as a shell would take it, secrets hidden."""
    return shlex.join(["reportgen", subcommand, *redact(list(args))])


def provenance(command: str | None, sources: tuple[str, ...]) -> dict[str, Any]:
    """The command (secrets hidden), the sources (credentials hidden) and the versions."""
    return {"command": command, "sources": [redact([s])[0] for s in sources],
            "versions": versions()}


def stamp(deterministic: bool) -> str:
    """When a page was made: UTC now; under --deterministic SOURCE_DATE_EPOCH (reproducible
    builds) or the epoch."""
    if deterministic:
        given = os.environ.get("SOURCE_DATE_EPOCH", "0")
        try:
            stamp = datetime.fromtimestamp(int(given.strip()), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC "
                              f"(e.g. 1767225600), not {given[:40]!r}") from None
    else:
        stamp = datetime.now(timezone.utc).replace(microsecond=0)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")
