"""The needs analysis end to end: files in, JSON/table/charts out, same answer from any source."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLES
from tpo_scoping.charts.needs import MAX_ROWS, all_charts
from tpo_scoping.ingest import load_performance_data
from tpo_scoping.needs import analyse_needs
from tpo_scoping.serialize import dumps
from tpo_scoping.synthetic import SCENARIOS, generate, write_dataset

SEED = 7


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One generated prospect written as a CSV folder and as an .xlsx workbook."""
    root = tmp_path_factory.mktemp("prospect")
    dataset = generate(SCENARIOS["growing_healthcare"], seed=SEED)
    write_dataset(dataset, root)
    book = root / "performance.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name, frame in dataset.tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return root, book


def _comparable(result) -> dict:
    payload = json.loads(dumps(result))
    payload["quality"].pop("sources")
    payload["quality"].pop("notes")
    return payload


def test_workbook_and_csv_folder_give_identical_results(written) -> None:
    root, book = written
    from_csv = analyse_needs(load_performance_data(root / "data"))
    from_xlsx = analyse_needs(load_performance_data(book))
    assert _comparable(from_csv) == _comparable(from_xlsx)
    assert from_csv.priorities  # a real result, not two empty ones


def test_uploaded_bytes_give_the_same_result(written) -> None:
    root, book = written
    files = {p.name: p.read_bytes() for p in (root / "data").glob("*.csv")}
    uploaded = analyse_needs(load_performance_data(files))
    from_csv = analyse_needs(load_performance_data(root / "data"))
    assert _comparable(uploaded) == _comparable(from_csv)
    from_book_bytes = analyse_needs(load_performance_data({"book.xlsx": book.read_bytes()}))
    assert _comparable(from_book_bytes) == _comparable(from_csv)


def test_semicolon_decimal_comma_day_first_export_gives_the_same_result(written) -> None:
    """The same tables exported the Latin-American way: ';', '72,5', DD/MM/YYYY, cp1252."""
    root, _ = written
    files = {}
    for path in (root / "data").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in frame.columns:
            if col in ("hire_date", "exit_date", "assessed_on", "completed_on", "expires_on"):
                frame[col] = pd.to_datetime(frame[col]).dt.strftime("%d/%m/%Y").fillna("")
            if col in ("score", "value"):
                frame[col] = frame[col].str.replace(".", ",", regex=False)
        if path.stem == "employees":
            frame = frame.rename(
                columns={
                    "employee_id": "Emp No",
                    "site": "Location",
                    "role": "Job Title",
                    "hire_date": "Start Date",
                    "exit_date": "Termination Date",
                }
            )
        files[path.name] = frame.to_csv(sep=";", index=False).encode("cp1252")
    dirty = analyse_needs(load_performance_data(files))
    clean = analyse_needs(load_performance_data(root / "data"))
    a, b = _comparable(dirty), _comparable(clean)
    a["quality"].pop("mapping")
    b["quality"].pop("mapping")
    # The export's dates were read day-first, each file settled by a day above 12.
    orders = a["quality"].pop("date_orders")
    assert {o["order"] for o in orders.values()} == {"dayfirst"}
    assert all(o["decided_by"] for o in orders.values())
    assert b["quality"].pop("date_orders") == {}
    assert a == b


def test_cli_json(cli, written) -> None:
    root, _ = written
    result = cli(
        "needs", root / "data", "--profile", root / "profile.yaml", "--as-of", "2026-09-30",
        "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["as_of"] == "2026-09-30"
    for key in ("quality", "gaps", "priorities", "ramp", "retention", "compliance", "impact"):
        assert key in payload
    assert payload["priorities"][0]["rank"] == 1
    assert "employees:" in result.err  # the quality summary goes to stderr


def test_cli_table_uses_the_profile_data_path(cli) -> None:
    result = cli("needs", "--profile", SAMPLES / "large_multicountry" / "profile.yaml")
    assert result.code == 0, result.err
    assert "Priorities" in result.out and "Kaplan–Meier" in result.out
    assert "Guadalajara" in result.out


def test_cli_bad_as_of_and_missing_data_exit_2(cli, written) -> None:
    root, _ = written
    bad = cli("needs", root / "data", "--as-of", "30/09/2026")
    assert bad.code == 2 and "--as-of" in bad.err
    early = cli("needs", root / "data", "--as-of", "1999-01-01")
    assert early.code == 2 and "nobody" in early.err
    missing = cli("needs")
    assert missing.code == 2 and "DATA" in missing.err
    absent = cli("needs", root / "nope")
    assert absent.code == 2 and "not found" in absent.err


def test_cli_writes_out_file(cli, written, tmp_path: Path) -> None:
    root, _ = written
    out = tmp_path / "needs.json"
    result = cli("needs", root / "data", "--format", "json", "--out", out)
    assert result.code == 0
    assert json.loads(out.read_text("utf-8"))["gaps"]


def test_charts_are_aggregated_and_render(written) -> None:
    root, _ = written
    result = analyse_needs(load_performance_data(root / "data"))
    charts = all_charts(result)
    assert set(charts) == {
        "gap_heatmap",
        "priority_matrix",
        "km_curves",
        "learning_curves",
        "compliance_coverage",
    }
    for name, chart in charts.items():
        spec = chart.to_dict()
        datasets = spec.get("datasets", {})
        assert datasets, name
        assert all(len(rows) < MAX_ROWS for rows in datasets.values()), name
    km = charts["km_curves"].to_dict()
    marks = [layer["mark"]["type"] for layer in km["layer"]]
    assert marks == ["area", "line", "rule"]  # CI band, curve, 30/90/180-day marks
    heat = charts["gap_heatmap"].to_dict()
    (rows,) = [v for k, v in heat["datasets"].items()]
    assert len(rows) == len(result.gaps)


def test_employees_only_gives_retention_and_no_invented_compliance() -> None:
    data = load_performance_data(Path(__file__).parent / "data" / "roster_bom_tab.csv")
    result = analyse_needs(data)
    assert result.retention_at("all", 30).n == 3
    # Without completion records nobody can be called overdue.
    assert result.compliance.empty and not result.priorities
    assert any("no compliance table" in note for note in result.notes)
    assert result.gaps.empty and result.ramp.empty and result.impact is None
    payload = json.loads(dumps(result))
    assert payload["compliance"] == [] and "impact" not in payload


def test_charts_name_modules_statuses_and_sites_as_people_read_them(written) -> None:
    from tpo_scoping.labels import STATUS_LABELS, WHOLE_TEAM
    from tpo_scoping.reference import load_reference

    root, _ = written
    result = analyse_needs(load_performance_data(root / "data"))
    charts = all_charts(result)
    (rows,) = charts["compliance_coverage"].to_dict()["datasets"].values()
    titles = {k: m["title"] for k, m in load_reference("compliance_catalogue")["modules"].items()}
    keys = set(result.compliance["module"]) - {"all"}
    assert {r["module"] for r in rows} == {titles[k] for k in keys}
    assert {r["status"] for r in rows} <= set(STATUS_LABELS.values())
    raw_keys = set(STATUS_LABELS) - set(STATUS_LABELS.values())  # e.g. never_completed
    assert not {r["status"] for r in rows} & raw_keys
    assert WHOLE_TEAM in {r["site"] for r in rows} and "all" not in {r["site"] for r in rows}
    km = next(v for v in charts["km_curves"].to_dict()["datasets"].values() if "site" in v[0])
    assert {r["site"] for r in km} == {WHOLE_TEAM, *result.km_curves["site"]} - {"all"}
    heat = charts["gap_heatmap"].to_dict()
    (cells,) = heat["datasets"].values()
    assert all("_" not in c["skill"] for c in cells)
    assert {c["skill"] for c in cells} == {k.replace("_", " ") for k in result.gaps["competency"]}
