"""Rebuild sample_reports/ (the gold files): the demo report as the documented command builds
it (demo.html, demo.json) and the text snapshot of its view model (demo.view.txt), which
reads well in review. Run from anywhere: `python scripts/update_samples.py`."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ("python -m reportgen build -o sample_reports/demo.html --json sample_reports/demo.json "
           "--deterministic")


def main() -> None:
    """Build the demo into sample_reports/ and write its view snapshot beside it."""
    sys.path.insert(0, str(ROOT))
    from reportgen.config import ReportConfig
    from reportgen.pipeline import build_report
    from reportgen.sections.snapshot import view_text

    out = ROOT / "sample_reports"
    result = build_report(ReportConfig(output=out / "demo.html", json_path=out / "demo.json",
                                       deterministic=True,
                                       command=COMMAND.replace("python -m reportgen",
                                                               "reportgen")))
    (out / "demo.view.txt").write_text(view_text(result.views, result.comparison),
                                       encoding="utf-8")
    print(f"wrote {out}/demo.html, demo.json and demo.view.txt")


if __name__ == "__main__":
    main()
