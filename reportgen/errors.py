"""The exception tree of reportgen.

    ReportgenError            anything reportgen reports to the user as one line
    ├── SourceError           a source cannot be read: missing, unreadable, empty, of no known kind
    ├── DataError             the data was read but cannot make a report (metric missing, no values)
    ├── ConfigError           a sweep config or an option is invalid (names the key or option)
    └── OutputError           the report cannot be written

Every message is one sentence that names the file, run or field and says what to do. Only
`cli.py` turns these into `Error: ...` and exit code 1.
"""

from __future__ import annotations


class ReportgenError(Exception):
    """Base of every error reportgen reports as one line."""


class SourceError(ReportgenError):
    """A source cannot be read."""


class DataError(ReportgenError):
    """The data cannot make a report."""


class ConfigError(ReportgenError):
    """A sweep config or an option is invalid."""


class OutputError(ReportgenError):
    """The report cannot be written."""


def first_line(exc: BaseException) -> str:
    """Another library's error as a part of one of ours: its first line (at most 300
    characters), or its type when it says nothing."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
