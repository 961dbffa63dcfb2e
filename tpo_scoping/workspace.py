"""Saved prospects: a folder on the server where every save of a profile is kept as a version.

``tpo-scoping serve --workspace DIR`` (default :func:`default_workspace_dir`) tells the apps'
kernels where it is through :data:`WORKSPACE_ENV`; public mode never sets it, so the public
calculator cannot reach it. The layout is one folder per prospect, one YAML profile per version::

    DIR/acme-logistics/v0001.yaml
    DIR/acme-logistics/v0002.yaml

A version is never overwritten: two saves at once get two numbers. Performance data uploaded in
a page is not saved (it stays in that session's memory); a profile keeps a ``data.path`` on the
server, such as the sample prospect's folder.

Examples
--------
>>> import tempfile
>>> from tpo_scoping.profile import parse_profile
>>> space = Workspace(tempfile.mkdtemp())
>>> saved = space.save(parse_profile("prospect: Acme Logistics\\nsites: [{country: IN, fte: 80}]"))
>>> saved.version, space.prospects(), space.load("Acme Logistics").total_fte
(1, ['Acme Logistics'], 80)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tpo_scoping.errors import InputError

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

WORKSPACE_ENV = "TPO_SCOPING_WORKSPACE"
"""The environment variable through which the server tells app kernels the workspace folder."""

_VERSION = re.compile(r"^v(\d{4,})\.yaml$")


def default_workspace_dir() -> Path:
    """``$XDG_DATA_HOME/tpo-scoping/workspace`` (``~/.local/share/tpo-scoping/workspace``)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "tpo-scoping" / "workspace"


def prospect_folder_name(prospect: str) -> str:
    """The folder of a prospect: its name in lower-case letters, digits and dashes.

    >>> prospect_folder_name("Acme Logistics, Inc.")
    'acme-logistics-inc'
    """
    stem = "".join(c.lower() if c.isalnum() else "-" for c in prospect)
    stem = "-".join(part for part in stem.split("-") if part)[:80]
    return stem or "prospect"


@dataclass(frozen=True)
class SavedVersion:
    """One save of a prospect's profile."""

    prospect: str
    version: int
    saved_at: dt.datetime
    path: Path

    def describe(self) -> str:
        return f"version {self.version}, saved {self.saved_at:%d %b %Y %H:%M}"


class Workspace:
    """The saved prospects under ``root`` (created on the first save)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def prospects(self) -> list[str]:
        """The saved prospects' names (as in their newest version), alphabetically."""
        names = []
        for folder in sorted(self.root.glob("*/")):
            newest = self._files(folder)
            if not newest:
                continue
            try:
                names.append(self._read(newest[-1][1]).prospect)
            except InputError:  # a file edited by hand into an invalid profile
                names.append(folder.name)
        return sorted(names, key=str.lower)

    def versions(self, prospect: str) -> list[SavedVersion]:
        """Every save of ``prospect``, oldest first."""
        return [
            SavedVersion(
                prospect,
                number,
                dt.datetime.fromtimestamp(path.stat().st_mtime),
                path,
            )
            for number, path in self._files(self.root / prospect_folder_name(prospect))
        ]

    def save(self, profile: Profile) -> SavedVersion:
        """Keep ``profile`` as the next version of its prospect."""
        from tpo_scoping.profile import profile_to_yaml

        folder = self.root / prospect_folder_name(profile.prospect)
        text = profile_to_yaml(profile).encode("utf-8")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".save-", suffix=".tmp", dir=folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(text)
            try:
                return self._link_next(profile.prospect, folder, Path(tmp))
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            raise InputError(f"cannot save here ({exc.strerror or exc})", str(folder)) from None

    def load(self, prospect: str, version: int | None = None) -> Profile:
        """A saved version of ``prospect`` (the newest by default)."""
        saved = self.versions(prospect)
        if not saved:
            raise InputError(f"no saved prospect named '{prospect}'", str(self.root))
        if version is None:
            return self._read(saved[-1].path)
        for item in saved:
            if item.version == version:
                return self._read(item.path)
        raise InputError(f"'{prospect}' has no version {version}", str(self.root))

    def _link_next(self, prospect: str, folder: Path, tmp: Path) -> SavedVersion:
        """Give the written file the next free version number (never replacing one)."""
        files = self._files(folder)
        number = files[-1][0] + 1 if files else 1
        while True:
            target = folder / f"v{number:04d}.yaml"
            try:
                os.link(tmp, target)
            except FileExistsError:
                number += 1
                continue
            return SavedVersion(prospect, number, dt.datetime.now(), target)

    @staticmethod
    def _files(folder: Path) -> list[tuple[int, Path]]:
        if not folder.is_dir():
            return []
        found = []
        for path in folder.iterdir():
            match = _VERSION.match(path.name)
            if match:
                found.append((int(match[1]), path))
        return sorted(found)

    @staticmethod
    def _read(path: Path) -> Profile:
        from tpo_scoping.profile import load_profile

        return load_profile(path)


def workspace_from_env() -> Workspace | None:
    """The workspace the server named for this kernel, or None (public mode, tests, notebooks)."""
    root = os.environ.get(WORKSPACE_ENV, "").strip()
    return Workspace(root) if root else None
