"""Paths a user names, checked before anything opens them: no pipes, devices or links.

Opening a FIFO blocks until something writes to it, a device can be endless (``/dev/zero``) or
refuse every read, and writing an export over a symbolic link or a device node would change
something other than the file the user named (as root, ``--out /dev/null`` would replace the
system's node). So:

* :func:`refuse_special_file`: an input (a profile, a data file) that is a FIFO, a device or a
  socket is refused at once with exit code 2; a symbolic link to a regular file is fine;
* :func:`check_output_file`: an output is either absent or a regular file; a symbolic link (even
  to a regular file), a folder, a FIFO, a device or a socket is refused, and the check never
  follows a link.

Examples
--------
>>> kind_of_special_file("/dev/null")
'a character device'
>>> kind_of_special_file("pyproject.toml") is None
True
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tpo_scoping.errors import InputError

DATA_HINT = "give the data as a workbook, a folder of CSVs or a CSV file"
"""What to give instead of a special file as performance data."""

_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str | None:
    for test, name in _SPECIAL:
        if test(mode):
            return name
    return None


def kind_of_special_file(path: str | os.PathLike[str]) -> str | None:
    """What ``path`` is when it is a FIFO, a device or a socket (following links), else None.

    A path that does not exist, or cannot be examined, is not special: whoever opens it reports
    that in its own words.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return _kind(mode)


def refuse_special_file(path: str | os.PathLike[str], hint: str = "") -> None:
    """Raise :class:`InputError` when ``path`` is a FIFO, a device or a socket.

    ``hint`` says what to give instead (it follows the message after a semicolon).

    Raises
    ------
    InputError
        Naming the path and what it is, e.g. ``data.csv: is a named pipe (FIFO), not a regular
        file; give the data as a workbook, a folder of CSVs or a CSV file``.

    Examples
    --------
    >>> try:
    ...     refuse_special_file("/dev/zero", "give the profile as a YAML file")
    ... except InputError as exc:
    ...     print(exc)
    /dev/zero: is a character device, not a regular file; give the profile as a YAML file
    """
    kind = kind_of_special_file(path)
    if kind is not None:
        message = f"is {kind}, not a regular file" + (f"; {hint}" if hint else "")
        raise InputError(message, str(path))


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`~pathlib.Path` when it is absent or a regular file.

    Examined without following a link (``lstat``), so that an export never writes through a
    symbolic link or replaces a device, a FIFO or a socket with a file.

    Raises
    ------
    InputError
        When ``path`` is a folder, a symbolic link, a FIFO, a device or a socket.

    Examples
    --------
    >>> try:
    ...     check_output_file("/dev/null")
    ... except InputError as exc:
    ...     print(exc)
    /dev/null: is a character device, not a regular file; give the name of a file to write
    """
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    except ValueError:  # a NUL character in the name
        raise InputError(
            "not a usable file name (it contains a null character)", ascii(str(path))
        ) from None
    except OSError as exc:
        raise InputError(f"cannot write here ({exc.strerror or exc})", str(path)) from None
    if stat.S_ISREG(mode):
        return path
    if stat.S_ISDIR(mode):
        raise InputError("is a folder; give a file name to write", str(path))
    if stat.S_ISLNK(mode):
        raise InputError(
            "is a symbolic link; exports never write through links: give the file's own path"
            " or a new name",
            str(path),
        )
    kind = _kind(mode) or "not a regular file"
    raise InputError(f"is {kind}, not a regular file; give the name of a file to write", str(path))


def make_output_folder(path: str | os.PathLike[str]) -> Path:
    """Create the folder ``path`` (and its parents) unless it exists; a link to a folder is
    fine, anything else already there is refused.

    Raises
    ------
    InputError
        When ``path`` (or a parent) exists and is not a folder, or cannot be created.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError("is not a folder; give a folder to write into", str(path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(f"cannot create this folder ({reason})", str(path)) from None
    return path
