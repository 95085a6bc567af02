"""The page's frame: its title, generator and date, the sweeps left out, and "About this
report" (the command, the sources, the library versions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.model import Sweep
from reportgen.sections.header import page_title


@dataclass(frozen=True)
class About:
    """What the page says of itself."""

    title: str
    version: str
    generated_at: str
    provenance: dict = field(default_factory=dict)
    skipped: tuple[str, ...] = ()  # sweeps of the sources that could not be built, and why


def about(sweeps: list[Sweep], version: str, generated_at: str, provenance: dict,
          skipped: list[tuple[str, str]]) -> About:
    """The page's frame for these sweeps."""
    return About(page_title(sweeps), version, generated_at, provenance,
                 tuple(f"{n}: {r}" for n, r in skipped))
