"""Signing writes a versioned record that reads back as signed; a record edited by hand into
inconsistency, or a data drop that cannot be tracked, gets a clear message naming the file and
field, exit code 2, and nothing is overwritten."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import SAMPLES
from tpo_scoping.engagement import read_record
from tpo_scoping.engagement.record import RECORD_FILES, SCHEMA_VERSION
from tpo_scoping.errors import InputError

ENGAGEMENT = SAMPLES / "engagements" / "growing_healthcare"
PROFILE = SAMPLES / "growing_healthcare" / "profile.yaml"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "engagement"
    shutil.copytree(ENGAGEMENT, folder)
    return folder


def test_sign_writes_a_record_that_reads_back_as_signed(cli, tmp_path: Path) -> None:
    out = tmp_path / "signed"
    result = cli(
        "sign", PROFILE, "--start", "2026-10-01", "--out", out, "--signed-on", "2026-09-28"
    )
    assert result.code == 0, result.err
    assert "signed Example Health Services" in result.err
    record = read_record(out)
    for name in RECORD_FILES:
        text = (out / name).read_text("utf-8")
        data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
        assert data.get("schema_version", SCHEMA_VERSION) == SCHEMA_VERSION, name
    assert record.info.start.isoformat() == "2026-10-01"
    assert record.info.baseline_as_of.isoformat() == "2026-09-30"
    assert record.info.signed_on.isoformat() == "2026-09-28"
    assert record.profile.data is None, "the record holds the baselines, not a data path"
    drafted = cli(
        "kpis", PROFILE, "--as-of", "2026-09-30", "--cadence", "quarterly", "--format", "json"
    )
    expected = {k["key"]: k for k in json.loads(drafted.out)["kpis"]}
    for kpi in record.kpis.kpis:
        assert kpi.baseline == pytest.approx(expected[kpi.key]["baseline"], rel=1e-9)
        assert kpi.target == pytest.approx(expected[kpi.key]["target"], rel=1e-9)
        assert kpi.detectable == expected[kpi.key]["detectable"]
        assert [m.value for m in kpi.milestones] == pytest.approx(
            [m["value"] for m in expected[kpi.key]["milestones"]]
        )
    again = cli("sign", PROFILE, "--start", "2026-10-01", "--out", out)
    assert again.code == 2 and "nothing overwritten" in again.err
    assert read_record(out).info.signed_on.isoformat() == "2026-09-28"


def _edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))


def _swap_first_milestone_days(d: dict) -> None:
    d["kpis"][0]["milestones"][1]["day"] = 10


@pytest.mark.parametrize(
    ("file", "edit", "expected"),
    [
        (
            "kpis.json",
            _swap_first_milestone_days,
            "kpis.json: kpis[0].milestones[1].day: days must increase",
        ),
        ("kpis.json", lambda d: d.update(schema_version=2), "kpis.json: schema_version: is 2"),
        (
            "kpis.json",
            lambda d: d["kpis"][3].update(min_detectable_change=None),
            "kpis.json: kpis[3].min_detectable_change: a KPI marked detectable",
        ),
        (
            "kpis.json",
            lambda d: d["kpis"][1].update(key="ramp_time"),
            "kpis.json: kpis[1].key: 'ramp_time' appears twice",
        ),
        (
            "kpis.json",
            lambda d: d["kpis"][2].update(direction="up"),
            "kpis.json: kpis[2].direction",
        ),
        (
            "incentives.yaml",
            lambda d: d["credits"].update(share=0.1),
            "incentives.yaml: credits.share: unknown field",
        ),
        (
            "incentives.yaml",
            lambda d: d["bonus"].update(share_of_quarterly_fee=5),
            "incentives.yaml: bonus.share_of_quarterly_fee",
        ),
        (
            "incentives.yaml",
            lambda d: d["credits"].update(missed_when="any_miss"),
            "incentives.yaml: credits.missed_when",
        ),
        ("engagement.yaml", lambda d: d.update(start="2025-13-01"), "engagement.yaml: start"),
        (
            "engagement.yaml",
            lambda d: d.update(prospect="Someone Else"),
            "profile.yaml: prospect: 'Example Health Services' differs",
        ),
        (
            "plan.json",
            lambda d: d["headcount"].pop(0),
            "plan.json: headcount: quarters must be numbered",
        ),
    ],
)
def test_a_hand_edited_record_names_the_file_and_field(
    cli, copy: Path, file: str, edit, expected: str
) -> None:
    (_edit_json if file.endswith(".json") else _edit_yaml)(copy / file, edit)
    before = _snapshot(copy)
    result = cli("track", copy, "--format", "json")
    assert result.code == 2, result.err
    assert expected in result.err
    assert "Traceback" not in result.err and not result.out
    assert _snapshot(copy) == before


def test_broken_json_and_stray_data_folders_are_named(cli, copy: Path) -> None:
    (copy / "plan.json").write_text('{"schema_version": 1,')
    (copy / "data" / "notes").mkdir()
    (copy / "data" / "2024Q4").mkdir()
    result = cli("track", copy)
    assert result.code == 2
    assert "plan.json: not valid JSON" in result.err
    assert f"{copy / 'data' / 'notes'}: not a quarter folder" in result.err
    assert "2024Q4: is before the engagement's first quarter (2025Q4)" in result.err


def test_a_folder_that_is_not_a_record(cli, tmp_path: Path) -> None:
    result = cli("track", tmp_path)
    assert result.code == 2 and "engagement.yaml: missing" in result.err


def test_a_drop_that_does_not_cover_its_quarter(cli, copy: Path) -> None:
    shutil.rmtree(copy / "data" / "2026Q1")
    shutil.copytree(copy / "data" / "2025Q4", copy / "data" / "2026Q1")
    before = _snapshot(copy)
    result = cli("track", copy, "--format", "json")
    assert result.code == 2
    assert (
        f"{copy / 'data' / '2026Q1'}: does not cover 2026Q1: its latest date is 2025-12"
        in result.err
    )
    assert _snapshot(copy) == before


def test_a_drop_of_only_the_quarter_changes_is_refused(cli, copy: Path) -> None:
    employees = copy / "data" / "2026Q3" / "employees.csv"
    frame = pd.read_csv(employees)
    frame[frame["hire_date"] >= "2025-10-01"].to_csv(employees, index=False)
    result = cli("track", copy)
    assert result.code == 2
    assert "employees.hire_date: nobody was hired before the start" in result.err


def test_a_kpi_whose_data_vanished(cli, copy: Path) -> None:
    metrics = copy / "data" / "2026Q2" / "metrics.csv"
    frame = pd.read_csv(metrics)
    frame[frame["metric"] != "csat"].to_csv(metrics, index=False)
    compliance = copy / "data" / "2026Q2" / "compliance.csv"
    pd.read_csv(compliance).drop(columns="completed_on").to_csv(compliance, index=False)
    result = cli("track", copy)
    assert result.code == 2
    assert (
        "2026Q2: metrics.metric: no 'csat' rows, so the signed KPI 'Customer satisfaction"
        in result.err
    )
    assert "2026Q2: compliance: missing or empty, so the signed KPI 'Compliance" in result.err


def test_a_drop_as_one_workbook_reads_like_the_csv_folder(copy: Path) -> None:
    from tpo_scoping.engagement import track

    folder = copy / "data" / "2025Q4"
    book = folder / "export.xlsx"
    with pd.ExcelWriter(book) as writer:
        for csv in sorted(folder.glob("*.csv")):
            pd.read_csv(csv).to_excel(writer, sheet_name=csv.stem, index=False)
    for csv in folder.glob("*.csv"):
        csv.unlink()
    from_book = track(copy, as_of=pd.Timestamp("2025-12-31").date(), with_attribution=False)
    from_csv = track(ENGAGEMENT, as_of=pd.Timestamp("2025-12-31").date(), with_attribution=False)
    assert [k.measurement for k in from_book.quarters[0].kpis] == [
        k.measurement for k in from_csv.quarters[0].kpis
    ]


def test_dates_and_quarters_on_the_command_line(cli) -> None:
    early = cli("track", ENGAGEMENT, "--as-of", "2025-11-30")
    assert early.code == 2 and "nothing to track before then" in early.err
    both = cli("track", ENGAGEMENT, "--as-of", "2026-03-31", "--quarter", "2026Q1")
    assert both.code == 2 and "give one" in both.err
    bad = cli("track", ENGAGEMENT, "--quarter", "2026Q5")
    assert bad.code == 2 and "not a quarter such as 2026Q1" in bad.err
    binary = cli("track", ENGAGEMENT, "--format", "pdf")
    assert binary.code == 2 and "--out" in binary.err


def test_read_record_raises_input_errors_only(copy: Path) -> None:
    (copy / "engagement.yaml").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InputError) as info:
        read_record(copy)
    assert "engagement.yaml" in str(info.value)
