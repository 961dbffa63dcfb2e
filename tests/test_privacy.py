"""Privacy: uploaded data stays in memory, reports can be pseudonymised, logs name nobody."""

from __future__ import annotations

import builtins
import io
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import SAMPLES
from tpo_scoping.privacy import (
    PREFIX,
    Pseudonymiser,
    RedactingFilter,
    identifiers,
    pseudonymise_frame,
    pseudonymise_report,
)
from tpo_scoping.serialize import dumps

DATA = SAMPLES / "growing_healthcare" / "data"


def sample_files(unknown: str = "ZQX-UNKNOWN-77") -> dict[str, bytes]:
    """The sample prospect's CSVs, plus an assessment row of an employee not in the roster."""
    files = {p.name: p.read_bytes() for p in sorted(DATA.glob("*.csv"))}
    files["assessments.csv"] += f"{unknown},hipaa_privacy,55,2024-03-01\n".encode()
    return files


@pytest.fixture(scope="module")
def analysed() -> tuple[Any, Any, dict[str, bytes]]:
    from tpo_scoping.ingest import load_performance_data
    from tpo_scoping.needs import analyse_needs

    files = sample_files()
    data = load_performance_data(files)
    return data, analyse_needs(data), files


class DiskWatch:
    """Records every attempt to open a file for writing or to make a temporary file."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.writes: list[str] = []
        real_open = builtins.open
        real_io_open = io.open
        real_os_open = os.open

        def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if any(c in mode for c in "wax+"):
                self.writes.append(str(file))
            return real_open(file, mode, *args, **kwargs)

        def guarded_io_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if any(c in mode for c in "wax+"):
                self.writes.append(str(file))
            return real_io_open(file, mode, *args, **kwargs)

        def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
            if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                self.writes.append(str(path))
            return real_os_open(path, flags, *args, **kwargs)

        def refuse(*_args: Any, **_kwargs: Any) -> Any:
            self.writes.append("tempfile")
            raise AssertionError("a temporary file was made")

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_io_open)
        monkeypatch.setattr(os, "open", guarded_os_open)
        for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile"):
            monkeypatch.setattr(tempfile, name, refuse)


def listing(*folders: Path) -> set[str]:
    out: set[str] = set()
    for folder in folders:
        if folder.is_dir():
            out |= {str(p) for p in folder.iterdir()}
    return out


def test_loader_on_bytes_touches_no_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    from tpo_scoping.ingest import load_performance_data
    from tpo_scoping.needs import analyse_needs

    files = sample_files()
    load_performance_data(files)  # warm imports (which may write caches) before watching
    folders = (Path(tempfile.gettempdir()), Path.home(), Path.cwd())
    before = listing(*folders)
    watch = DiskWatch(monkeypatch)
    data = load_performance_data(files)
    analyse_needs(data)
    monkeypatch.undo()
    assert watch.writes == [], f"the loader wrote: {watch.writes}"
    assert listing(*folders) - before == set()


def test_needs_app_upload_touches_no_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    module = pytest.importorskip("tpo_scoping.ui.needs_app")
    import datetime as dt

    app = module.NeedsApp(charts=False)
    app.launch(deferred=False)
    files = sample_files()
    app.analyse(files)  # warm up
    value = tuple(
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        }
        for name, content in files.items()
    )
    folders = (Path(tempfile.gettempdir()), Path.home(), Path.cwd())
    before = listing(*folders)
    watch = DiskWatch(monkeypatch)
    app.controls["upload"].value = value
    monkeypatch.undo()
    assert app.upload_message.kind == "ok", app.upload_message.text
    assert watch.writes == [], f"the upload handler wrote: {watch.writes}"
    assert listing(*folders) - before == set()


def test_needs_app_xlsx_export_touches_no_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl's own save writes each worksheet's XML (the analysis text) to a temporary file;
    the export assembles the workbook in memory instead."""
    module = pytest.importorskip("tpo_scoping.ui.needs_app")
    import openpyxl

    app = module.NeedsApp(charts=False)
    app.launch(deferred=False)
    app.analyse(sample_files())
    app.controls["export"].click()  # warm up (imports may write caches)
    folders = (Path(tempfile.gettempdir()), Path.home(), Path.cwd())
    before = listing(*folders)
    watch = DiskWatch(monkeypatch)
    _name, data = app.controls["export"].click()
    monkeypatch.undo()
    assert app.download_message.text == "", app.download_message.text
    assert watch.writes == [], f"the xlsx export wrote: {watch.writes}"
    assert listing(*folders) - before == set()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:2] == ["Priorities", "Gaps"]
    priorities = book["Priorities"]
    headers = [c.value for c in priorities[1]]
    first = dict(zip(headers, (c.value for c in priorities[2]), strict=True))
    assert first["Rank"] == "1" and first["Priority"] == app.result.priorities[0]["summary"]


def test_logs_name_no_employee(analysed: tuple[Any, Any, dict[str, bytes]], caplog) -> None:
    from tpo_scoping.ingest import load_performance_data
    from tpo_scoping.needs import analyse_needs

    _data, _result, files = analysed
    ids, names = identifiers(pd.read_csv(io.BytesIO(files["employees.csv"]), dtype=str))
    assert len(ids) > 50 and len(names) > 50
    with caplog.at_level(logging.DEBUG):
        analyse_needs(load_performance_data(files))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert not [i for i in ids if i in text], "an employee ID reached the log"
    assert not [n for n in names if n in text], "an employee name reached the log"
    assert "ZQX-UNKNOWN-77" not in text


def test_needs_result_has_no_names_and_ids_only_in_quality_issues(
    analysed: tuple[Any, Any, dict[str, bytes]],
) -> None:
    data, result, _files = analysed
    ids, names = identifiers(data.employees)
    plain = json.loads(dumps(result))
    text = json.dumps(plain, ensure_ascii=False)
    assert not [n for n in names if n in text], "the needs result names an employee"
    quality = json.dumps(plain.pop("quality"), ensure_ascii=False)
    rest = json.dumps(plain, ensure_ascii=False)
    assert not [i for i in ids if f'"{i}"' in rest or f"'{i}'" in rest]
    assert "ZQX-UNKNOWN-77" in quality, "the planted unknown ID must be reported (to be removed)"


def test_pseudonymised_report_has_no_ids_or_names(
    analysed: tuple[Any, Any, dict[str, bytes]],
) -> None:
    data, result, _files = analysed
    ids, names = identifiers(data.employees)
    p = Pseudonymiser("test-salt")
    out = pseudonymise_report(result, data.employees, p, ids=["ZQX-UNKNOWN-77"])
    text = json.dumps(out, ensure_ascii=False)
    assert "ZQX-UNKNOWN-77" not in text
    assert p("ZQX-UNKNOWN-77") in text
    assert not [i for i in ids if i in text]
    assert not [n for n in names if n in text]
    # Aggregates are untouched.
    assert out["priorities"] == json.loads(dumps(result))["priorities"]


def test_pseudonyms_are_keyed_stable_and_distinct() -> None:
    ids = [f"E{i:05d}" for i in range(5000)]
    a, b = Pseudonymiser("salt-a"), Pseudonymiser("salt-b")
    assert len({a(i) for i in ids}) == len(ids)
    assert [a(i) for i in ids[:10]] == [Pseudonymiser("salt-a")(i) for i in ids[:10]]
    assert not {a(i) for i in ids} & {b(i) for i in ids}
    # Random per-run salts differ, so runs cannot be linked.
    assert Pseudonymiser()("E00001") != Pseudonymiser()("E00001")
    assert all(a(i).startswith(PREFIX) and len(a(i)) == len(PREFIX) + 12 for i in ids[:10])
    # Keyed: not the plain hash of the ID.
    import hashlib

    assert a("E00001")[len(PREFIX) :] not in hashlib.sha256(b"E00001").hexdigest()
    with pytest.raises(ValueError):
        Pseudonymiser("")
    assert "salt-a" not in repr(a)


def test_pseudonymise_frame_drops_names_keeps_rows() -> None:
    frame = pd.DataFrame(
        {"employee_id": ["E1", "E2", None], "name": ["Ana", "Ben", "Cy"], "site": ["M", "M", "B"]}
    )
    p = Pseudonymiser("s")
    out = pseudonymise_frame(frame, p)
    assert "name" not in out.columns and len(out) == 3
    assert out["employee_id"].tolist()[:2] == [p("E1"), p("E2")]
    assert out["employee_id"].isna().tolist()[2]
    assert frame["employee_id"].tolist()[0] == "E1", "the input must not be changed"


def test_short_numeric_ids_do_not_eat_counts() -> None:
    p = Pseudonymiser("s")
    out = pseudonymise_report(
        {"summary": "7 rows dropped", "issues": ["unknown employee ID '7'"], "employee_id": 7},
        pseudonymiser=p,
        ids=["7"],
    )
    assert out["summary"] == "7 rows dropped"
    assert out["issues"] == [f"unknown employee ID '{p('7')}'"]
    assert out["employee_id"] == p("7")


def test_redacting_filter_on_a_logger(caplog) -> None:
    logger = logging.getLogger("tpo_scoping.test_privacy")
    f = RedactingFilter(ids=["E00042"], names=["Ana Reyes"], pseudonymiser=Pseudonymiser("s"))
    logger.addFilter(f)
    try:
        with caplog.at_level(logging.INFO, logger="tpo_scoping.test_privacy"):
            logger.info("dropped %s (%s) at row %d", "E00042", "Ana Reyes", 4)
    finally:
        logger.removeFilter(f)
    message = caplog.records[-1].getMessage()
    assert "E00042" not in message and "Ana" not in message and "row 4" in message
