"""Run the fuzz suite of bad inputs with many more examples than CI does.

    python benchmarks/fuzz.py 10        # ten times the CI examples (about 3,000 in all)

Each property of tests/test_fuzz.py (CSV and JSON tables, sweep configs alone and with runs)
tries REPORTGEN_FUZZ_EXAMPLES times its CI count; prints pytest's summary and the time taken.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(scale: float) -> int:
    env = {**os.environ, "REPORTGEN_FUZZ_EXAMPLES": str(scale)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "test_fuzz.py")], env=env, cwd=ROOT)
    print(f"fuzz x{scale:g}: {time.perf_counter() - start:.0f} s")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0))
