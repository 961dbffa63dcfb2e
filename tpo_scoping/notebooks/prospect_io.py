"""What the consultant notebooks' cells call: the prospect's inputs in, the brief out.

:func:`load_inputs` turns a notebook's parameters (profile path, data path, analysis date) into
the package's objects, with the same checks as the command line; :func:`write_brief` writes the
engagement brief of a scope into the notebook's output folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpo_scoping.errors import InputError, Problem

if TYPE_CHECKING:
    from tpo_scoping.scope import Scope


def load_inputs(
    profile_path: str | Path,
    data_path: str | Path | None = None,
    as_of: dt.date | str | None = None,
    *,
    require_data: bool = False,
) -> tuple[Any, Any, dt.date | None]:
    """The prospect's profile, performance data and analysis date from a notebook's parameters.

    ``data_path=None`` means the folder or workbook named in the profile's ``data.path``;
    ``as_of=None`` leaves the date to each analysis (the latest date in the data).

    Returns
    -------
    (Profile, PerformanceData or None, date or None)

    Raises
    ------
    InputError
        For a bad profile, data or date, or (``require_data=True``) when there is no data.

    Examples
    --------
    >>> profile, data, as_of = load_inputs("sample_data/not_ready/profile.yaml")  # doctest: +SKIP
    """
    from tpo_scoping.profile import load_profile
    from tpo_scoping.scope import load_data

    profile = load_profile(profile_path)
    date = None
    if as_of is not None and as_of != "":
        if isinstance(as_of, dt.date):
            date = as_of
        else:
            try:
                date = dt.date.fromisoformat(str(as_of))
            except ValueError:
                raise InputError(
                    [Problem("as_of", f"'{as_of}' is not a YYYY-MM-DD date")]
                ) from None
    data = load_data(str(data_path) if data_path is not None else None, profile)
    if data is None and require_data:
        raise InputError(
            [
                Problem(
                    "data_path",
                    "this notebook needs the prospect's performance data: set data_path, or"
                    " data.path in the profile",
                )
            ],
            source=str(profile_path),
        )
    return profile, data, date


def write_brief(
    scope: Scope, output_dir: str | Path, formats: Sequence[str] = ("html", "xlsx")
) -> list[Path]:
    """Write the engagement brief of a :class:`~tpo_scoping.scope.Scope` into ``output_dir``.

    ``html`` is the self-contained brief (:func:`tpo_scoping.report.html.render_html`), ``xlsx``
    its tables (:func:`tpo_scoping.report.xlsx.render_xlsx`), ``pdf`` the printed brief (needs
    Chromium). Files are named ``engagement_brief.<format>``.

    Examples
    --------
    >>> write_brief(build_scope("profile.yaml"), "out")  # doctest: +SKIP
    [PosixPath('out/engagement_brief.html'), PosixPath('out/engagement_brief.xlsx')]
    """
    from tpo_scoping.serialize import write_atomic

    folder = Path(output_dir)
    written = []
    for fmt in formats:
        if fmt == "html":
            from tpo_scoping.report.html import render_html

            payload: str | bytes = render_html(scope)
        elif fmt == "xlsx":
            from tpo_scoping.report.xlsx import render_xlsx

            payload = render_xlsx(scope)
        elif fmt == "pdf":
            from tpo_scoping.report.pdf import render_pdf

            payload = render_pdf(scope)
        else:
            raise InputError(
                [Problem("formats", f"unknown brief format '{fmt}' (html, xlsx, pdf)")]
            )
        path = write_atomic(folder / f"engagement_brief.{fmt}", payload)
        path.chmod(0o644)
        written.append(path)
    return written
