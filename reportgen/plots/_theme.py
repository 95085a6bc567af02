"""Shared look of the figures, and stable Bokeh ids for byte-identical reports."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

from bokeh.palettes import Viridis256

FONT = "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
MISSING_COLOR = "#9e9e9e"
UNSELECTED_COLOR = "#c8c8c8"
#: best runs are bright (yellow), worst dark (purple), whatever the goal
PALETTE_BEST_HIGH = tuple(Viridis256)


@contextlib.contextmanager
def stable_ids() -> Iterator[None]:
    """Bokeh numbers its models from a process-wide counter and names embed elements with
    uuid4: start the counter afresh and number the uuids, so the same input gives the same
    bytes in any process."""
    import bokeh.util.serialization as ser

    counter = itertools.count(1)

    class _Uuid:
        @staticmethod
        def uuid4() -> str:
            return f"r{next(counter):07d}-0000-4000-8000-000000000000"

    saved_uuid, saved_id = ser.uuid, ser._simple_id
    ser.uuid, ser._simple_id = _Uuid, 1000  # type: ignore[assignment]
    try:
        yield
    finally:
        ser.uuid, ser._simple_id = saved_uuid, saved_id  # type: ignore[assignment]
