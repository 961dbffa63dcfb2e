"""Default first answers remembered across kernels, so a cold page answers at once.

A kernel started for a visitor must import pandas, scipy, statsmodels and altair before it can
compute anything, about 1.5 s of CPU on this kind of machine, and the scoping calculator then
analyses the sample prospect's performance data. Yet the answer an app shows for its *default*
inputs (the sample prospect, no link prefill, nothing uploaded) is the same in every kernel
that runs the same code on the same data and libraries on the same day.

So the first kernel that computes a default answer keeps its rendered text here, and later
cold kernels show that text while they import and compute, then compute the answer for real
and replace the text if it differs (which is logged; it means the key missed something). The
key is a digest of:

* the package's own files and the sample prospect's files (:func:`fingerprint`);
* the installed versions of the libraries that compute or format an answer;
* today's date (the needs analysis measures tenure up to today);
* the app and the values of its input fields.

Only answers for default inputs are stored, a small file per app and version, in the
``answers`` folder of :func:`~tpo_scoping.serialize.cache_dir`; a visitor's inputs and data
never reach the disk. ``TPO_SCOPING_ANSWER_CACHE=off`` turns the cache off (the benchmark
measures both ways).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("tpo_scoping.ui")

SWITCH = "TPO_SCOPING_ANSWER_CACHE"
"""Environment variable; ``off`` (or ``0``, ``false``, ``no``) disables the cache."""

KEEP_DAYS = 7
"""Remembered answers not rewritten for this many days are removed when another is stored."""

LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "pydantic", "jinja2", "pyyaml")
"""Distributions whose versions can change an answer's numbers or wording."""

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ROOT = PACKAGE_ROOT.parent / "sample_data"

_SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def enabled() -> bool:
    if "answer_cache" in os.environ.get("TPO_SCOPING_BENCH_OFF", "").split(","):
        return False
    return os.environ.get(SWITCH, "on").strip().lower() not in {"off", "0", "false", "no"}


@functools.cache
def fingerprint() -> str:
    """Digest of the package's files, the sample prospects' files and the libraries' versions.

    Reading and hashing them takes a few milliseconds, once per process.
    """
    digest = hashlib.sha256()
    for root in (PACKAGE_ROOT, SAMPLE_ROOT):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix in _SKIPPED_SUFFIXES:
                continue
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    versions = installed_versions(LIBRARIES)
    for name in LIBRARIES:
        digest.update(f"{name}={versions.get(name, '-')};".encode())
    return digest.hexdigest()


_DIST_INFO = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)\.dist-info$")


def installed_versions(names: tuple[str, ...]) -> dict[str, str]:
    """The installed versions of the distributions ``names``, read from the names of their
    ``.dist-info`` folders on ``sys.path`` (the first found wins, as for imports).

    ``importlib.metadata.version`` parses each distribution's metadata file, about 7 ms a
    library; a kernel pays this before its first answer, and one directory listing gives the
    same versions. Distributions installed without a ``.dist-info`` folder are left out.
    """
    if "dist_info" in os.environ.get("TPO_SCOPING_BENCH_OFF", "").split(","):
        import importlib.metadata

        out = {}
        for name in names:
            try:  # noqa: SIM105
                out[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                pass
        return out
    wanted = {_normalise(name) for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.scandir(entry or ".")
        except OSError:
            continue
        with listing:
            for item in listing:
                match = _DIST_INFO.match(item.name)
                if match is None:
                    continue
                name = _normalise(match["name"])
                if name in wanted and name not in found:
                    found[name] = match["version"]
    return {name: found[_normalise(name)] for name in names if _normalise(name) in found}


def _normalise(name: str) -> str:
    """A distribution name as wheels spell it in folder names, compared case-blind (PEP 503)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _today() -> dt.date:
    return dt.date.today()


def answer_path(app: str, key: str) -> Path:
    """The file holding ``app``'s first answer for inputs ``key`` (under today's fingerprint)."""
    from tpo_scoping.serialize import cache_dir

    digest = hashlib.sha256(
        "\n".join((fingerprint(), _today().isoformat(), app, key)).encode()
    ).hexdigest()
    return cache_dir() / "answers" / f"{app}-{digest[:24]}.json"


def load(app: str, key: str, like: dict[str, dict[str, str]]) -> dict[str, dict[str, str]] | None:
    """The remembered answer, or None when there is none or it is not shaped ``like`` the
    app's answer now (the same widgets, the same traits of each, text throughout)."""
    if not enabled():
        return None
    path = answer_path(app, key)
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not _well_formed(state, like):
        log.warning("ignored a malformed remembered answer: %s", path)
        return None
    return state  # type: ignore[no-any-return]


def store(app: str, key: str, state: dict[str, dict[str, str]]) -> Path | None:
    """Remember ``state`` for ``app``; None if it could not be written.

    Answers not rewritten for :data:`KEEP_DAYS` days (older code, older dates) are removed.
    Newer ones are kept, so two versions of the workbench served from one account do not
    evict each other's answers.
    """
    if not enabled():
        return None
    from tpo_scoping.errors import InputError
    from tpo_scoping.serialize import write_atomic

    path = answer_path(app, key)
    try:
        write_atomic(path, json.dumps(state, sort_keys=True))
    except InputError as exc:  # a read-only home still works, only slower
        log.info("could not remember the first answer: %s", exc)
        return None
    horizon = time.time() - KEEP_DAYS * 86_400
    for old in path.parent.glob("*.json"):
        try:
            if old.stat().st_mtime < horizon:
                old.unlink()
        except OSError:  # removed by another kernel meanwhile
            pass
    return path


def _well_formed(state: Any, like: dict[str, dict[str, str]]) -> bool:
    return (
        isinstance(state, dict)
        and set(state) == set(like)
        and all(
            isinstance(traits, dict)
            and set(traits) == set(like[name])
            and all(isinstance(v, str) for v in traits.values())
            for name, traits in state.items()
        )
    )
