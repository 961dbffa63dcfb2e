"""Plain, deterministic JSON for results, atomic file writes and the cache folder.

Results are dataclasses, dicts, pandas and numpy objects. :func:`to_jsonable` turns them into
plain Python (NaN and infinities become ``null``), and :func:`dumps` writes them with a fixed key
order, so that the same inputs and seed give byte-identical JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import tempfile
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Result(Protocol):
    """A typed result of the workbench: it says what its JSON is."""

    def to_dict(self) -> Mapping[str, Any]: ...


class FlatResult:
    """Base of a result dataclass whose JSON is its own fields, as they are.

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class Gap(FlatResult):
    ...     skill: str
    ...     points: float
    >>> Gap("hipaa", 4.5).to_dict()
    {'skill': 'hipaa', 'points': 4.5}
    """

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]


def to_jsonable(obj: Any, digits: int | None = 10) -> Any:
    """Convert a result to plain JSON types.

    Floats are rounded to ``digits`` significant digits (so platform noise in the last bits does
    not change the output); NaN and infinities become ``None``.

    Examples
    --------
    >>> to_jsonable({"a": float("nan"), "b": (1, 2.0)})
    {'a': None, 'b': [1, 2.0]}
    """
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        if not math.isfinite(obj):
            return None
        return float(f"{obj:.{digits}g}") if digits else obj
    if isinstance(obj, Enum):
        return to_jsonable(obj.value, digits)
    if isinstance(obj, dt.datetime):
        return obj.isoformat()
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if type(obj).__module__.startswith("pandas"):
        return _pandas(obj, digits)
    if isinstance(obj, Result):
        return to_jsonable(obj.to_dict(), digits)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name), digits) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v, digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        items = sorted(obj, key=str) if isinstance(obj, set | frozenset) else obj
        return [to_jsonable(v, digits) for v in items]
    if isinstance(obj, Path):
        return str(obj)
    type_name = type(obj).__module__
    if type_name.startswith("numpy"):
        import numpy as np

        if isinstance(obj, np.ndarray):
            return [to_jsonable(v, digits) for v in obj.tolist()]
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return to_jsonable(float(obj), digits)
        if isinstance(obj, np.datetime64):
            return None if np.isnat(obj) else str(obj)[:10]
    raise TypeError(f"cannot convert {type(obj).__name__} to JSON")


def _pandas(obj: Any, digits: int | None) -> Any:
    import pandas as pd

    if obj is pd.NaT:
        return None
    if isinstance(obj, pd.Timestamp):
        return obj.date().isoformat() if obj == obj.normalize() else obj.isoformat()
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(row, digits) for row in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return to_jsonable(obj.to_dict(), digits)
    if obj is pd.NA:
        return None
    return to_jsonable(obj.to_dict(), digits)


def dumps(obj: Any, indent: int | None = 2) -> str:
    """Deterministic JSON text of a result (see :func:`to_jsonable`)."""
    return json.dumps(to_jsonable(obj), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def cache_dir() -> Path:
    """The workbench's cache folder: ``$XDG_CACHE_HOME/tpo-scoping`` (``~/.cache/tpo-scoping``).

    It holds only things any kernel could rebuild (the offline chart bundle, the apps' default
    first answers), never a prospect's data.
    """
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tpo-scoping"


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder, then rename.

    A crash mid-write leaves either the old file or none, never a truncated one. ``path`` must
    be absent or a regular file (:func:`tpo_scoping.paths.check_output_file`: never a link, a
    device or a FIFO). The temporary file is hidden (``.<name>.<pid>.<random>.tmp``) and removed
    on every exit this process sees (an error, Ctrl-C, the CLI's handling of SIGTERM); one left
    by a process killed outright (``kill -9``) is removed by the next write to the same name,
    once its process is gone (:func:`remove_stale_temporaries`). A path that cannot be written
    (a folder, a missing permission, a full disk) raises
    :class:`~tpo_scoping.errors.InputError` naming it.
    """
    from tpo_scoping.errors import InputError
    from tpo_scoping.paths import check_output_file

    path = check_output_file(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise InputError(f"cannot write here ({exc.strerror or exc})", str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write here ({exc.strerror or exc})", str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the hidden temporary files :func:`write_atomic` left beside ``path`` in a process
    that no longer runs (killed before it could clean up); returns what was removed.

    Only files named for ``path`` (``.<name>.<pid>.<random>.tmp``) whose process id is not a
    running process are touched; a write in progress in another process is left alone.
    """
    prefix = f".{path.name}."
    removed: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid_text = name[len(prefix) :].split(".", 1)[0]
        if not pid_text.isdigit() or _running(int(pid_text)):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _running(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal still counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True
