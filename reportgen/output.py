"""Writing outputs: never over an input or another output, never over a device, all or none.

Rules (README, "Outputs"):
* an output that is one of the inputs (a source file, the sweep config), or another output of
  the same command, is refused before any work;
* an existing output must be a regular file (or a link to one, written through: the link
  stays); a device, pipe, socket, stream (`/dev/stdout`) or folder is refused;
* every output is first written beside its target, and only when all are written are they
  renamed into place: a failure leaves no output changed and no temporary file behind.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from reportgen.errors import OutputError


def target(path: Path) -> Path:
    """Where writing `path` lands: a link's target, so the link stays."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_output(path: Path, role: str = "output") -> None:
    """`path` can be written: not empty, its folder exists, and it is new or a regular file."""
    if str(path) in ("", "."):
        raise OutputError(f"the {role} needs a file name")
    real = target(path)
    if any(str(p).startswith(("/dev/", "/proc/")) for p in (Path(path).absolute(), real)):
        raise OutputError(f"cannot write {path}: it is not a regular file (a device, pipe or "
                          "stream); give the path of a file")
    if not real.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {real.parent} does not exist")
    if real.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise OutputError(f"cannot write {path}: it is not a regular file (a device, pipe or "
                          "socket); give the path of a file")


def check_outputs(outputs: dict[str, Path | None], inputs: Iterable[str | Path]) -> None:
    """Each output (by option name) can be written, is no input and no other output."""
    seen: dict[str, str] = {}
    files = [Path(i) for i in inputs if str(i) and Path(i).is_file()]
    for option, path in outputs.items():
        if path is None:
            continue
        check_output(path, option)
        for source in files:
            if _same(path, source):
                raise OutputError(f"refusing to write {option} {path}: it is an input of this "
                                  "command and would be overwritten; choose another file name")
        key = _key(path)
        if key in seen:
            raise OutputError(f"{seen[key]} and {option} both name {path}: give each output a "
                              "file of its own")
        seen[key] = option


def write_all(files: list[tuple[Path, str]]) -> None:
    """Write every file or none: each to a temporary file beside its target, then all renamed
    into place. On any failure the temporary files are removed and no target is touched."""
    staged: list[tuple[str, Path, Path]] = []
    current: Path | str = ""
    try:
        for path, text in files:
            current = path
            real = target(path)
            fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
            staged.append((tmp, real, Path(path)))
            # a lone surrogate (from JSON "\ud800") is no UTF-8: written as U+FFFD's stand-in
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n", errors="replace") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
    except BaseException as exc:
        for tmp, _, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {current}: {exc.strerror or exc}; nothing was "
                              "written") from None
        raise
    for tmp, real, shown in staged:
        try:
            os.replace(tmp, real)
        except OSError as exc:  # the folder vanished or turned read-only in between
            for rest, _, _ in staged:
                if os.path.exists(rest):
                    os.unlink(rest)
            raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None


def _same(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return _key(path) == _key(other)


def _key(path: Path) -> str:
    return os.path.realpath(path)


def check_folder(folder: Path) -> None:
    """An output folder: made if missing (its parent must exist), never a file."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"cannot write into {folder}: it is a file, not a folder")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise OutputError(f"cannot write into {folder}: folder {folder.parent} does not "
                              "exist")
        try:
            folder.mkdir()
        except OSError as exc:
            raise OutputError(f"cannot make folder {folder}: {exc.strerror or exc}") from None
