"""`pip install` of the wheel, as README tells users: a fresh virtualenv that sees no other
packages, with pip resolving reportgen's own dependencies; the wheel carries the templates,
the demo data and the plot's JS."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_with_its_dependencies_and_builds_the_demo(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path / "dist"), str(ROOT)], check=True,
                   capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("reportgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("reportgen/templates/report.html.jinja2", "reportgen/templates/style.css",
                   "reportgen/templates/index.html.jinja2",
                   "reportgen/sources/demo_data/random.csv", "reportgen/plots/js/events.js"):
        assert needed in names
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # sees nothing else
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                          "--disable-pip-version-check", str(wheel)],
                         capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = subprocess.run([str(venv / "bin" / "reportgen"), "build", "demo:grid", "-o", "d.html"],
                          cwd=work, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # no missing module, no Python warning: only the line saying how the sweep was read
    assert proc.stderr.startswith("Read demo:grid (W&B runs-table export) as: metric val_loss")
    assert len(proc.stderr.splitlines()) == 1
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import reportgen; print(reportgen.__file__)"], cwd=work,
                           capture_output=True, text=True).stdout
    assert str(venv) in where  # the wheel's copy, not the checkout
    assert (work / "d.html").read_text().startswith("<!DOCTYPE html>")
    proc = subprocess.run([str(venv / "bin" / "reportgen"), "index", "."], cwd=work,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'href="d.html#sweep-demo-grid"' in (work / "index.html").read_text()
