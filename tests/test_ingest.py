"""Loading performance data as it really arrives: synonyms, encodings, delimiters, junk."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from tpo_scoping.errors import InputError
from tpo_scoping.ingest import (
    load_performance_data,
    parse_dates,
    parse_numbers,
    sniff_delimiter,
)

DATA = Path(__file__).parent / "data"
DIRTY = DATA / "dirty_export"
REFERENCE = dt.date(2025, 9, 30)


@pytest.fixture(scope="module")
def dirty():
    return load_performance_data(DIRTY, reference_date=REFERENCE)


def test_synonyms_are_mapped_and_reported(dirty) -> None:
    mapping = dirty.quality.mapping
    assert mapping["employees"] == {
        "employee_id": "Emp No",
        "site": "Location",
        "country": "Country",
        "role": "Job Title",
        "hire_date": "Start Date",
        "exit_date": "Termination Date",
    }
    assert mapping["assessments"]["score"] == "Score %"
    assert any("ignored columns 'Nombre', 'Cost Centre'" in n for n in dirty.quality.notes)
    assert any("notes.txt: ignored" in n for n in dirty.quality.notes)


def test_cp1252_semicolon_day_first(dirty) -> None:
    employees = dirty.tables["employees"]
    assert set(employees["site"]) == {"Bogotá", "Medellín"}
    first = employees.set_index("employee_id").loc["1001"]
    assert first["hire_date"] == pd.Timestamp("2025-01-15")  # 15/01/2025
    assert first["country"] == "CO"  # "co" upper-cased
    # IDs stay text, so leading zeros or codes would survive.
    assert employees["employee_id"].map(type).eq(str).all()


def test_percent_and_decimal_comma_scores(dirty) -> None:
    scores = dirty.tables["assessments"].set_index(["employee_id", "competency"])["score"]
    assert scores.loc[("1001", "Navegación de sistemas")] == 85.0  # "85%"
    assert scores.loc[("1001", "Producto")] == 72.5  # "72,5"


def test_each_bad_row_is_dropped_with_its_reason(dirty) -> None:
    issues = {(i["table"], i["row"], i["column"]): i["problem"] for i in dirty.quality.issues}
    # Rows are file rows: the header is row 1.
    assert issues[("employees", 9, "employee_id")] == "missing employee_id"
    assert issues[("employees", 7, "hire_date")] == "unparseable date 'soon'"
    assert issues[("employees", 8, "hire_date")].startswith("future date '01/12/2099'")
    assert issues[("employees", 6, "exit_date")] == "exit date before hire date"
    assert issues[("employees", 5, "employee_id")].startswith("duplicate employee ID")
    assert issues[("assessments", 4, "score")].startswith("impossible score '130'")
    assert issues[("assessments", 5, "score")] == "not a number 'abc'"
    assert issues[("assessments", 6, "employee_id")].startswith("unknown employee ID '9999'")
    assert issues[("assessments", 8, "employee_id,competency,assessed_on")].startswith(
        "duplicate row"
    )
    q = dirty.quality
    assert q.rows_read == {"employees": 9, "assessments": 7}
    assert q.rows_used == {"employees": 4, "assessments": 3}
    for table in q.rows_read:
        dropped = sum(1 for i in q.issues if i["table"] == table)
        assert q.rows_read[table] - q.rows_used[table] == dropped
        assert q.rows_used[table] == len(dirty.tables[table])


def test_missing_share_per_column(dirty) -> None:
    missing = dirty.quality.missing["employees"]
    assert missing["exit_date"] == pytest.approx(7 / 9)
    assert missing["employee_id"] == pytest.approx(1 / 9)
    assert missing["site"] == 0.0


def test_quality_json_has_the_issue_keys(dirty) -> None:
    payload = dirty.quality.to_dict()
    assert {"rows_read", "rows_used", "issues", "mapping", "missing"} <= set(payload)
    assert all(set(i) == {"table", "row", "column", "problem"} for i in payload["issues"])
    assert payload["dropped_by_reason"]["employees"]["unparseable date"] == 1


def test_bom_tab_single_employees_file() -> None:
    data = load_performance_data(DATA / "roster_bom_tab.csv")
    employees = data.tables["employees"]
    assert list(employees["employee_id"]) == ["A-01", "A-02", "A-03"]
    assert data.quality.mapping["employees"]["employee_id"] == "Employee ID"  # BOM stripped
    assert employees["exit_date"].notna().sum() == 1


def test_uploaded_bytes_give_the_same_tables_as_the_folder(dirty) -> None:
    files = {p.name: p.read_bytes() for p in DIRTY.iterdir()}
    uploaded = load_performance_data(files, reference_date=REFERENCE)
    for table, frame in dirty.tables.items():
        pd.testing.assert_frame_equal(uploaded.tables[table], frame)
    assert uploaded.quality.issues == dirty.quality.issues
    assert uploaded.source == "upload"


def test_explicit_mapping_overrides_synonyms() -> None:
    csv = b"Emp No,Location,Office,Job Title,Start Date\nE1,Manila,Makati,agent,2025-01-06\n"
    default = load_performance_data({"employees.csv": csv})
    assert default.tables["employees"]["site"].tolist() == ["Manila"]
    mapped = load_performance_data(
        {"employees.csv": csv}, mapping={"employees": {"site": "office"}}
    )
    assert mapped.tables["employees"]["site"].tolist() == ["Makati"]
    assert mapped.quality.mapping["employees"]["site"] == "Office"


def test_explicit_mapping_to_a_missing_header_names_file_and_column() -> None:
    csv = b"Emp No,Location,Job Title,Start Date\nE1,Manila,agent,2025-01-06\n"
    with pytest.raises(InputError) as err:
        load_performance_data({"staff.csv": csv}, mapping={"employees": {"site": "Sitio"}})
    assert "staff.csv" in str(err.value) and "Sitio" in str(err.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.csv", "empty"),
        ("binary.csv", "binary"),
        ("wrong_columns.csv", "no column for employees.employee_id"),
        ("header_only.csv", "no data rows"),
        ("ragged.csv", "row 3 has 6 fields"),
        ("damaged.xlsx", "cannot open the workbook"),
    ],
)
def test_junk_files_raise_input_error_naming_the_file(name: str, expected: str) -> None:
    with pytest.raises(InputError) as err:
        load_performance_data(DATA / name)
    assert name in str(err.value)
    assert expected in str(err.value)


@pytest.mark.parametrize("name", ["empty.csv", "binary.csv", "wrong_columns.csv", "damaged.xlsx"])
def test_junk_files_exit_2_without_traceback(cli, name: str) -> None:
    result = cli("needs", DATA / name)
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    assert result.err.startswith("error: ") and name in result.err


def test_size_guards() -> None:
    csv = b"employee_id,site,role,hire_date\n" + b"E1,Manila,agent,2025-01-06\n" * 50
    with pytest.raises(InputError, match="over the limit"):
        load_performance_data({"employees.csv": csv}, max_bytes=100)
    with pytest.raises(InputError, match="more than 10 rows"):
        load_performance_data({"employees.csv": csv}, max_rows=10)


def test_no_employees_table_is_an_error() -> None:
    csv = b"employee_id,competency,score,assessed_on\nE1,x,80,2025-01-01\n"
    with pytest.raises(InputError, match="no employees table"):
        load_performance_data({"assessments.csv": csv, "other.csv": csv})


def test_unknown_ids_in_a_workbook_and_sheet_names(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(
            {
                "Staff ID": ["E1", "E2"],
                "Site": ["Pune", "Pune"],
                "Role": ["agent", "agent"],
                "Date of Hire": [pd.Timestamp("2025-01-06"), pd.Timestamp("2025-02-03")],
            }
        ).to_excel(writer, sheet_name="Staff", index=False)
        pd.DataFrame(
            {
                "Staff ID": ["E1", "E3"],
                "Skill": ["x", "x"],
                "Result": [0.8, 0.9],
                "Date": ["2025-03-01", "2025-03-01"],
            }
        ).to_excel(writer, sheet_name="Scores", index=False)
    data = load_performance_data(path, reference_date=REFERENCE)
    assert data.tables["employees"]["hire_date"].tolist() == [
        pd.Timestamp("2025-01-06"),
        pd.Timestamp("2025-02-03"),
    ]
    # Scores given as fractions are read as percentages, and say so.
    assert data.tables["assessments"]["score"].tolist() == [80.0]
    assert any("multiplied by 100" in n for n in data.quality.notes)
    (issue,) = data.quality.issues
    assert issue["row"] == 3 and issue["problem"].startswith("unknown employee ID 'E3'")
    assert data.quality.sources["assessments"].endswith("[Scores]")


# --------------------------------------------------------------------------------------------
# Value parsers


def test_parse_numbers_formats() -> None:
    values, percent = parse_numbers(
        pd.Series(["85", "85.5", "85,5", "1.234,5", "1,234.5", "85 %", " 7 ", "x", None])
    )
    assert values.tolist()[:7] == [85, 85.5, 85.5, 1234.5, 1234.5, 85, 7]
    assert values.iloc[7:].isna().all()
    assert percent.tolist() == [False] * 5 + [True] + [False] * 3


def test_metric_percentages_become_shares() -> None:
    employees = b"employee_id,site,role,hire_date\nE1,Manila,agent,2025-01-06\n"
    metrics = b"employee_id;period;metric;value\nE1;01/03/2025;Error Rate;2,5%\n"
    data = load_performance_data({"employees.csv": employees, "metrics.csv": metrics})
    row = data.tables["metrics"].iloc[0]
    assert row["metric"] == "error_rate" and row["value"] == pytest.approx(0.025)


def test_parse_dates_picks_the_layout_the_values_need() -> None:
    month_first, note = parse_dates(pd.Series(["01/31/2025", "02/01/2025"]))
    assert month_first.tolist() == [pd.Timestamp("2025-01-31"), pd.Timestamp("2025-02-01")]
    assert note is None
    ambiguous, note = parse_dates(pd.Series(["03/04/2025", "05/06/2025"]))
    assert ambiguous.iloc[0] == pd.Timestamp("2025-04-03")
    assert note and "day-first" in note
    forced, _ = parse_dates(pd.Series(["03/04/2025"]), dayfirst=False)
    assert forced.iloc[0] == pd.Timestamp("2025-03-04")
    mixed, _ = parse_dates(pd.Series(["2025-01-02", "2025-01-02 00:00:00", "45658", "bad"]))
    assert mixed.iloc[:3].tolist() == [pd.Timestamp("2025-01-02")] * 2 + [
        pd.Timestamp("2025-01-01")
    ]
    assert pd.isna(mixed.iloc[3])


@pytest.mark.parametrize(
    ("line", "sep"), [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"a;b",c', ",")]
)
def test_sniff_delimiter(line: str, sep: str) -> None:
    assert sniff_delimiter(line) == sep


def test_csv_text_roundtrip_of_latin1_names() -> None:
    text = "employee_id,name,site,role,hire_date\nE1,José Peña,Bogotá,agent,2025-01-06\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "latin-1"):
        data = load_performance_data({"employees.csv": text.encode(encoding)})
        assert data.tables["employees"].loc[0, "name"] == "José Peña", encoding


def test_excel_written_from_pandas_reads_back(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "employee_id": ["007", "008"],
            "site": ["Manila", "Manila"],
            "role": ["agent", "agent"],
            "hire_date": pd.to_datetime(["2025-01-06", "2025-01-07"]),
        }
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, sheet_name="employees", index=False)
    data = load_performance_data({"book.xlsx": buffer.getvalue()})
    assert data.tables["employees"]["employee_id"].tolist() == ["007", "008"]


def test_frames_in_memory_are_checked_against_the_contract() -> None:
    """``from_frames`` repairs nothing, so every broken rule comes back, named by table and
    column, instead of failing later inside an analysis."""
    from tpo_scoping.ingest import from_frames
    from tpo_scoping.synthetic import SCENARIOS, generate

    tables = dict(generate(SCENARIOS["small_simple"], seed=1).tables)
    assert from_frames(tables).has("metrics")  # clean generated data passes
    employees = tables["employees"].copy()
    employees.loc[0, "role"] = None
    employees = pd.concat([employees, employees.iloc[[1, 2]]]).drop(columns=["hire_date"])
    assessments = tables["assessments"].copy()
    assessments.loc[0, "score"] = 140.0
    metrics = tables["metrics"].copy()
    metrics.loc[3, "value"] = float("inf")
    broken = dict(tables, employees=employees, assessments=assessments, metrics=metrics)
    with pytest.raises(InputError) as caught:
        from_frames(broken, source="notebook frames")
    found = {(p.where, p.message.split(":")[0]) for p in caught.value.problems}
    assert found == {
        ("employees.hire_date", "required column is missing"),
        ("employees.role", "has missing values"),
        ("employees.employee_id", "2 ID(s) appear twice"),
        ("assessments.score", "has values outside 0-100"),
        ("metrics.value", "has infinite values"),
    }
    assert str(caught.value).startswith("notebook frames: ")
    ids = {p.message for p in caught.value.problems if p.where == "employees.employee_id"}
    repeated = tables["employees"]["employee_id"].iloc[[1, 2]]
    assert all(str(i) in next(iter(ids)) for i in repeated)


def test_metric_names_as_exports_spell_them_mean_the_known_metrics() -> None:
    """Metrics named 'Error Rate' and 'Output' are error_rate and productivity: the analysis
    of an export that spells them so equals the analysis of the canonical names (a wrong
    direction for the error rate would flip its best quartile)."""
    from tpo_scoping.needs import analyse_needs
    from tpo_scoping.synthetic import SCENARIOS, generate

    scenario = SCENARIOS["small_simple"]
    tables = generate(scenario, seed=1).tables

    def as_files(rename: dict[str, str]) -> dict[str, bytes]:
        files = {}
        for name, frame in tables.items():
            frame = frame.copy()
            if name == "metrics":
                frame["metric"] = frame["metric"].replace(rename)
            files[f"{name}.csv"] = frame.to_csv(index=False).encode()
        return files

    plain = load_performance_data(as_files({}), reference_date=scenario.as_of)
    spelled = load_performance_data(
        as_files({"error_rate": "Error Rate", "productivity": "Output"}),
        reference_date=scenario.as_of,
    )
    assert "metric 'Output' read as productivity" in "\n".join(spelled.quality.notes)
    pd.testing.assert_frame_equal(spelled.tables["metrics"], plain.tables["metrics"])
    expected = analyse_needs(plain, as_of=scenario.as_of).to_dict()["baseline"]
    assert analyse_needs(spelled, as_of=scenario.as_of).to_dict()["baseline"] == expected
    assert {"error_rate", "productivity"} <= set(expected)
    assert expected["productivity"]["best_quartile"] > expected["productivity"]["value"]


def test_metric_rows_that_differ_only_in_spelling_are_duplicates() -> None:
    employees = b"employee_id,site,role,hire_date\nE1,Manila,agent,2024-01-01\n"
    metrics = (
        b"employee_id,period,metric,value\n"
        b"E1,2024-03-01,Productivity,10\nE1,2024-03-01,productivity,11\n"
        b"E1,2024-03-01,AHT,300\nE1,2024-03-01,Widgets,3\n"
    )
    data = load_performance_data(
        {"employees.csv": employees, "metrics.csv": metrics}, reference_date=REFERENCE
    )
    kept = data.tables["metrics"]
    assert sorted(kept["metric"]) == ["handle_time", "productivity", "widgets"]
    assert kept.loc[kept["metric"] == "productivity", "value"].tolist() == [10.0]
    issues = data.quality.to_dict()["issues"]
    assert [(i["table"], i["problem"].split(" (")[0]) for i in issues] == [
        ("metrics", "duplicate row")
    ]
    notes = "\n".join(data.quality.notes)
    assert "metric 'AHT' read as handle_time" in notes
    assert "widgets have no known direction" in notes
