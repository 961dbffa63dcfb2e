"""Default first answers kept on disk, so a kernel started for a visitor answers at once.

A kernel started for a visitor (no pooled kernel free, or public mode without a pool) must
import pandas, scipy, statsmodels and altair before it can compute anything, and the scoping
calculator then analyses the sample prospect's data: the first answer came 2.2 to 3.4 times
later than a one-slider page (``bench/README.md``), against a target of 1.3 times. Yet the
answer an app shows for its *default* inputs (the sample prospect, no link, nothing uploaded) is
the same in every kernel running the same code, data and libraries on the same day.

So the first kernel that computes a default answer (a pooled one, or the first visitor's) keeps
its rendered text here; a later cold kernel shows that text when it launches, before the page
fetches its widgets, then computes the answer for real once the page is drawn and replaces the
text if it differs (logged: the key missed something). The file's name is a digest of:

* the package's own files and the sample prospects' files (:func:`fingerprint`);
* the installed versions of the libraries that compute or format an answer;
* today's date (the needs analysis measures tenure up to today);
* the app and the values of its input fields.

Only answers for default inputs are kept, a small JSON file per app and version, in the
``answers`` folder of :func:`~tpo_scoping.serialize.cache_dir`; a visitor's inputs and data
never reach the disk. :class:`~tpo_scoping.ui.shell.AppShell` uses it only in kernels Voilà
serves (:data:`SERVED_ENV`); ``TPO_SCOPING_ANSWER_CACHE=off`` turns it off (the benchmark
measures both ways).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("tpo_scoping.ui")

SWITCH = "TPO_SCOPING_ANSWER_CACHE"
"""Environment variable; ``off`` (or ``0``, ``false``, ``no``) disables the cache."""

SERVED_ENV = "TPO_SCOPING_SERVED"
"""Set by ``tpo-scoping serve`` for its kernels: only served kernels read or write answers."""

KEEP_DAYS = 7
"""Answers not rewritten for this many days are removed when another is stored."""

LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "pydantic", "jinja2", "pyyaml")
"""Distributions whose versions can change an answer's numbers or wording."""

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ROOT = PACKAGE_ROOT.parent / "sample_data"

Answer = dict[str, dict[str, str]]
"""Per widget (an attribute path of the app), the traits that show the answer."""


def enabled() -> bool:
    """In a served kernel, unless switched off."""
    switched = os.environ.get(SWITCH, "on").strip().lower()
    return bool(os.environ.get(SERVED_ENV)) and switched not in {"off", "0", "false", "no"}


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
            # Byte code (and the temporary files Python writes it through) changes as kernels
            # import the package; it must not change the key.
            if "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
                continue
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version};".encode())
    return digest.hexdigest()


def _today() -> dt.date:
    return dt.date.today()


def answer_path(app: str, key: str) -> Path:
    """The file holding ``app``'s first answer for inputs ``key`` (under today's fingerprint)."""
    from tpo_scoping.serialize import cache_dir

    text = "\n".join((fingerprint(), _today().isoformat(), app, key))
    return cache_dir() / "answers" / f"{app}-{hashlib.sha256(text.encode()).hexdigest()[:24]}.json"


def load(app: str, key: str, like: Answer) -> Answer | None:
    """The kept answer, or None when there is none or it is not shaped ``like`` the app's
    answer now (the same widgets, the same traits of each, text throughout)."""
    if not enabled():
        return None
    path = answer_path(app, key)
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not _shaped_like(state, like):
        log.warning("ignored a malformed kept answer: %s", path)
        return None
    return state  # type: ignore[no-any-return]


def store(app: str, key: str, state: Answer) -> Path | None:
    """Keep ``state`` for ``app``; None if it could not be written (a read-only home).

    Answers not rewritten for :data:`KEEP_DAYS` days (older code, older dates) are removed;
    newer ones are kept, so two versions served from one account do not evict each other's.
    """
    if not enabled():
        return None
    from tpo_scoping.errors import InputError
    from tpo_scoping.serialize import write_atomic

    path = answer_path(app, key)
    try:
        write_atomic(path, json.dumps(state, sort_keys=True))
    except InputError as exc:
        log.info("could not keep the first answer: %s", exc)
        return None
    horizon = time.time() - KEEP_DAYS * 86_400
    for old in path.parent.glob("*.json"):
        try:
            if old.stat().st_mtime < horizon:
                old.unlink()
        except OSError:  # removed by another kernel meanwhile
            pass
    return path


def _shaped_like(state: Any, like: Answer) -> bool:
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
