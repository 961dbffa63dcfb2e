"""Reading never shifts, loses or inflates silently: bounded workbooks, exact CSV rows, scales.

One test per defect of the second hardening round that concerns reading: small workbooks that
declare or hide millions of cells, text tables that unzip to gigabytes, folders read whole
before any check, rows with a field too many or too few behind quotes, files that mix
encodings, NUL bytes, metric values off their scale, a NUL byte in a profile's data path,
terminal escape sequences in headers, categorical text in CSV exports.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.corpus import hostile
from tpo_scoping.errors import InputError
from tpo_scoping.ingest import ReadLimits, load_performance_data

UPLOAD = 10 * 1024 * 1024
REFERENCE = dt.date(2026, 1, 31)
EMPLOYEES = (
    b"employee_id,site,role,hire_date\nE1,Manila,agent,2025-01-06\nE2,Bogota,agent,2025-02-03\n"
)


def _refused(files: dict[str, bytes], **kwargs) -> str:
    with pytest.raises(InputError) as err:
        load_performance_data(files, reference_date=REFERENCE, **kwargs)
    return str(err.value)


# ----------------------------------------------------------------------------------------------
# Workbooks


def test_a_workbook_declaring_millions_of_cells_is_refused_before_parsing() -> None:
    data = hostile.declared_far_cell()
    assert len(data) < 2_000
    message = _refused({"book.xlsx": data}, max_bytes=UPLOAD)
    assert "declares 5,000 rows × 16,384 columns (up to cell XFD5000)" in message
    assert f"over the limit of {ReadLimits.for_size(UPLOAD).max_cells:,} cells" in message


def test_a_value_far_to_the_right_is_refused_even_when_undeclared() -> None:
    message = _refused({"book.xlsx": hostile.undeclared_far_cell()}, max_bytes=UPLOAD)
    assert "row 5000 has a value in column XFD, beyond the 1,000 columns" in message


def test_a_text_table_that_unzips_past_the_limit_is_refused() -> None:
    small = ReadLimits.for_size(1_000_000)  # 4 MB of shared strings at most
    data = hostile.long_strings(count=200)  # 6.5 MB unzipped
    message = _refused({"book.xlsx": data}, limits=small)
    assert "text table unzips to" in message and f"{small.max_shared_strings:,}" in message


def test_cells_are_counted_before_parsing_and_characters_while_streaming() -> None:
    data = hostile.many_cells(rows=40_000)
    message = _refused({"book.xlsx": data}, limits=ReadLimits(max_cells=100_000))
    assert "a sheet holds 120,003 cells, over the limit of 100,000" in message
    message = _refused({"book.xlsx": data}, limits=ReadLimits(max_chars=200_000))
    assert "more than 200,000 characters" in message


def test_the_unzipped_size_of_all_parts_is_checked() -> None:
    data = hostile.many_cells(rows=40_000)
    message = _refused({"book.xlsx": data}, limits=ReadLimits(max_unzipped=1_000_000))
    assert "the workbook unzips to" in message and "1,000,000" in message


def test_a_zip_directory_that_understates_a_part_cannot_inflate_it() -> None:
    message = _refused({"book.xlsx": hostile.lying_size()}, max_bytes=UPLOAD)
    assert "cannot" in message and "book.xlsx" in message


def test_the_upload_app_applies_the_same_limits() -> None:
    from tpo_scoping.ui.needs_app import NeedsApp

    app = NeedsApp(charts=False, max_bytes=UPLOAD)
    app.analyse({"book.xlsx": hostile.declared_far_cell()})
    assert "declares 5,000 rows" in app.upload_message.text
    assert app.result is None


def test_the_cli_refuses_with_exit_code_2(cli, tmp_path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(hostile.undeclared_far_cell())
    run = cli("needs", book)
    assert run.code == 2 and "beyond the 1,000 columns" in run.err


def test_every_size_in_a_folder_is_checked_before_any_file_is_read(tmp_path, monkeypatch) -> None:
    from tpo_scoping.ingest import _read

    reads: list[str] = []
    real = _read._read_bounded
    monkeypatch.setattr(_read, "_read_bounded", lambda p, n: reads.append(p.name) or real(p, n))
    (tmp_path / "a_employees.csv").write_bytes(EMPLOYEES)
    with (tmp_path / "b_metrics.csv").open("wb") as big:
        big.truncate(2_000_001)  # sparse: no disk used
    message = _refused(str(tmp_path), max_bytes=2_000_000)  # type: ignore[arg-type]
    assert "b_metrics.csv: file is 2,000,001 bytes, over the limit of 2,000,000" in message
    assert reads == []


def test_a_folder_stops_at_the_first_bad_file(tmp_path, monkeypatch) -> None:
    from tpo_scoping.ingest import _read

    reads: list[str] = []
    real = _read._read_bounded
    monkeypatch.setattr(_read, "_read_bounded", lambda p, n: reads.append(p.name) or real(p, n))
    (tmp_path / "a.csv").write_bytes(b"employee_id,site\nE1,Manila,extra\n")
    (tmp_path / "b.csv").write_bytes(EMPLOYEES)
    message = _refused(str(tmp_path))  # type: ignore[arg-type]
    assert "a.csv" in message and "row 2 has 3 fields where the header has 2" in message
    assert reads == ["a.csv"]


# ----------------------------------------------------------------------------------------------
# CSV rows and text


def test_a_trailing_field_on_every_row_with_quotes_is_refused_not_shifted() -> None:
    csv = b'employee_id,site,role,hire_date\n"E1","Manila","agent","2025-01-06",PH\n'
    message = _refused({"employees.csv": csv})
    assert "row 2 has 5 fields where the header has 4" in message


def test_a_short_row_with_quotes_is_refused() -> None:
    csv = (
        b'employee_id,site,role,hire_date\n"E1","Manila, PH","agent","2025-01-06"\n"E2","Manila"\n'
    )
    message = _refused({"employees.csv": csv})
    assert "row 3 has 2 fields where the header has 4" in message


def test_a_short_row_without_quotes_is_refused() -> None:
    csv = b"employee_id,site,role,hire_date\nE1,Manila,agent,2025-01-06\nE2,Manila,agent\n\n"
    message = _refused({"employees.csv": csv})
    assert "row 3 has 3 fields where the header has 4" in message


def test_a_utf8_file_with_one_cp1252_line_is_read_line_by_line() -> None:
    csv = (
        "employee_id,site,role,hire_date\nE1,Bogotá,agent,2025-01-06\n".encode()
        + "E2,Bogotá,agent,2025-01-07\n".encode("cp1252")
        + "E3,Medellín,agent,2025-01-08\n".encode()
    )
    data = load_performance_data({"employees.csv": csv}, reference_date=REFERENCE)
    assert sorted(set(data.employees["site"])) == ["Bogotá", "Medellín"]
    assert any("UTF-8 except line(s) 3" in n for n in data.quality.notes)


def test_nul_bytes_are_removed_and_reported_with_their_line() -> None:
    filler = "".join(f"E{i},Manila,agent,2025-01-06\n" for i in range(10, 4000))
    csv = (
        "employee_id,site,role,hire_date\n" + filler + "E1,Man\x00ila,agent,2025-01-06\n"
    ).encode()
    assert csv.index(b"\x00") > 65536
    data = load_performance_data({"employees.csv": csv}, reference_date=REFERENCE)
    assert set(data.employees["site"]) == {"Manila"}
    assert any("removed 1 NUL byte(s)" in n and "line(s) 3992" in n for n in data.quality.notes)


# ----------------------------------------------------------------------------------------------
# Metric values on their scale


def test_metric_values_off_their_scale_are_dropped_and_counted() -> None:
    metrics = (
        b"employee_id,period,metric,value\n"
        b"E1,2025-03-01,csat,4.5\nE1,2025-04-01,csat,99\n"
        b"E1,2025-03-01,error_rate,0.04\nE1,2025-04-01,error_rate,-3\n"
        b"E1,2025-03-01,productivity,52\nE1,2025-04-01,productivity,1e300\n"
        b"E2,2025-03-01,productivity,-4\n"
    )
    data = load_performance_data(
        {"employees.csv": EMPLOYEES, "metrics.csv": metrics}, reference_date=REFERENCE
    )
    kept = data.tables["metrics"]
    assert sorted(zip(kept["metric"], kept["value"], strict=True)) == [
        ("csat", 4.5),
        ("error_rate", 0.04),
        ("productivity", 52.0),
    ]
    reasons = data.quality.dropped_by_reason()["metrics"]
    assert reasons == {
        "outside the csat scale": 1,
        "outside the error_rate scale": 1,
        "outside the productivity scale": 2,
    }


def test_rates_written_in_per_cent_are_read_as_shares() -> None:
    metrics = (
        b"employee_id,period,metric,value\n"
        b"E1,2025-03-01,Error Rate,4\nE1,2025-04-01,Error Rate,2.5\n"
    )
    data = load_performance_data(
        {"employees.csv": EMPLOYEES, "metrics.csv": metrics}, reference_date=REFERENCE
    )
    assert sorted(data.tables["metrics"]["value"]) == [0.025, 0.04]
    assert any("error_rate values read as per cent" in n for n in data.quality.notes)


# ----------------------------------------------------------------------------------------------
# Low items


def test_a_nul_byte_in_the_profiles_data_path_exits_2(cli, tmp_path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text('prospect: X\nsites: [{country: PH, fte: 5}]\ndata: {path: "a\\0b.csv"}\n')
    for args in (("needs", "--profile", profile), ("scope", profile)):
        run = cli(*args)
        assert run.code == 2, run.err
        assert "data.path: not a usable file name (it contains a null character)" in run.err
    with pytest.raises(InputError, match="null character"):
        load_performance_data("a\x00b.csv")


def test_escape_sequences_in_headers_never_reach_the_terminal(cli, tmp_path) -> None:
    path = tmp_path / "employees.csv"
    rows = b"".join(b"E%d,Manila,agent,2025-01-06,,x\n" % i for i in range(2, 12))
    path.write_bytes(
        b"employee_id,site,role,hire_date,exit_date,Notes\x1b]0;owned\x07\x1b[2J\n"
        b"E1,Bogota\x1b[31m,agent,2025-01-06,2025-03-01,x\n" + rows
    )
    run = cli("needs", path, "--as-of", "2025-06-30")
    assert run.code == 0, run.err
    assert "\x1b" not in run.out + run.err and "\x07" not in run.out + run.err
    assert "\\x1b[2J" in run.err  # shown, escaped
    assert "Bogota\\x1b[31m" in run.out  # a site name too
    path.write_bytes(b"employee_id,Rolle\x1b[2J,hire_date\nE1,agent,2025-01-06\n")
    run = cli("needs", path)
    assert run.code == 2 and "\x1b" not in run.err and "Rolle\\x1b[2J" in run.err
    run = cli("inspect", path)
    assert "\x1b" not in run.out + run.err


def test_safe_csv_neutralises_categorical_text() -> None:
    from tpo_scoping.report.safe import safe_csv, safe_frame

    frame = pd.DataFrame(
        {"site": pd.Series(["=HYPERLINK(1)", "Manila"], dtype="category"), "n": [1, 2]}
    )
    assert safe_frame(frame)["site"].tolist() == ["'=HYPERLINK(1)", "Manila"]
    assert '"\'=HYPERLINK(1)"' in safe_csv(frame)
