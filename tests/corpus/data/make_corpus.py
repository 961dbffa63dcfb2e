"""Regenerate the nasty data files of this folder: ``python tests/corpus/data/make_corpus.py``.

Every file is small (the 1,000,000-row files are generated at bench time, never committed).
Each file's expected outcome is declared in ``tests/test_fuzz_data.py``.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "employee_id,name,site,country,role,hire_date,exit_date"
GOOD = [
    "E001,Ana Reyes,Manila,PH,agent,2024-01-08,",
    "E002,Ben Cruz,Manila,PH,agent,2024-02-05,",
    "E003,José Núñez,Bogotá,CO,team_lead,2023-11-20,2024-06-30",
]


def employees(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def files() -> dict[str, bytes]:
    rng = random.Random(20240611)
    text = employees(*GOOD)
    out: dict[str, bytes] = {
        "random_bytes.csv": bytes(rng.randrange(256) for _ in range(4096)),
        "random_bytes.xlsx": bytes(rng.randrange(256) for _ in range(4096)),
        "zip_not_workbook.xlsx": _zip({"hello.txt": b"not a workbook"}),
        "truncated_workbook.xlsx": _workbook()[:300],
        "empty.csv": b"",
        "whitespace_only.csv": b" \n\t\n\r\n",
        "header_only.csv": (HEADER + "\n").encode(),
        "header_only_no_newline.csv": HEADER.encode(),
        "utf8.csv": text.encode("utf-8"),
        "utf8_bom.csv": text.encode("utf-8-sig"),
        "utf16_bom.csv": text.encode("utf-16"),
        "utf16_le_no_bom.csv": text.encode("utf-16-le"),
        "utf32.csv": text.encode("utf-32"),
        "cp1252.csv": text.encode("cp1252"),
        "latin1_semicolon.csv": text.replace(",", ";").encode("latin-1"),
        "mac_roman.csv": text.encode("mac_roman"),
        "shift_jis.csv": employees(*GOOD[:2], "E004,山田太郎,Tokyo,JP,agent,2024-03-01,").encode(
            "shift_jis"
        ),
        "crlf_tabs.csv": text.replace(",", "\t").replace("\n", "\r\n").encode(),
        "old_mac_cr.csv": text.replace("\n", "\r").encode(),
        "nan_inf.csv": employees(
            *GOOD,
            "NaN,Nobody,Manila,PH,agent,2024-01-08,",
            "E010,Inf Row,Manila,PH,agent,inf,",
            "E011,Big Row,Manila,PH,agent,1e308,",
        ).encode(),
        "dates_1900_9999.csv": employees(
            *GOOD,
            "E020,Old Timer,Manila,PH,agent,1900-01-01,",
            "E021,Far Future,Manila,PH,agent,9999-12-31,",
            "E022,Exit Far,Manila,PH,agent,2024-01-08,9999-12-31",
            "E023,Zero Date,Manila,PH,agent,0000-00-00,",
        ).encode(),
        "duplicate_ids.csv": employees(
            *GOOD,
            "E001,Ana Again,Bogotá,CO,agent,2024-05-01,",
            "e001,Lower Case,Manila,PH,agent,2024-05-01,",
        ).encode(),
        "wrong_types.csv": employees(
            *GOOD,
            "E030,Typed Wrong,Manila,PH,agent,banana,",
            "E031,Numbers As Site,12345,99,agent,2024-01-01,yesterday",
            '"[1,2]","{\'a\': 1}",True,None,agent,45000,',
        ).encode(),
        "huge_string.csv": employees(
            *GOOD, "E040," + "x" * 1_000_000 + ",Manila,PH,agent,2024-01-08,"
        ).encode(),
        "huge_header.csv": (
            ",".join(f"col{i}" for i in range(20_000)) + "\n" + "1," * 19_999 + "1\n"
        ).encode(),
        "ragged.csv": (
            HEADER + "\nE001,Ana,Manila\nE002,Ben,Manila,PH,agent,2024-01-01,,extra,extra\n"
        ).encode(),
        "unbalanced_quotes.csv": (HEADER + '\nE001,"Ana,Manila,PH,agent,2024-01-08,\n').encode(),
        "nul_after_64k.csv": (
            text + "E099," + "y" * 70_000 + "\x00,Manila,PH,agent,2024-01-08,\n"
        ).encode(),
        "formulas.csv": employees(
            *GOOD,
            'E050,"=HYPERLINK(""http://evil.example"",""click"")",Manila,PH,agent,2024-01-08,',
            "E051,+cmd|' /C calc'!A0,Manila,PH,agent,2024-01-08,",
            "E052,-1+1,Manila,PH,agent,2024-01-08,",
            "E053,@SUM(A1:A2),Manila,PH,agent,2024-01-08,",
            "E054,<script>alert(1)</script>,<img src=x onerror=alert(1)>,PH,agent,2024-01-08,",
        ).encode(),
        "assessments_negative_nan.csv": (
            b"employee_id,competency,score,assessed_on\n"
            b"E001,reconciliation,-5,2024-03-01\n"
            b"E002,reconciliation,NaN,2024-03-01\n"
            b"E003,reconciliation,inf,2024-03-01\n"
            b"E001,reconciliation,1e308,2024-03-02\n"
            b"E002,reconciliation,-0,2024-03-02\n"
            b"E999,reconciliation,70,2024-03-02\n"
        ),
        "metrics_extreme.csv": (
            b"employee_id,period,metric,value\n"
            b"E001,2024-03,productivity,1e308\n"
            b"E001,2024-04,productivity,1e308\n"
            b"E002,2024-03,productivity,-1e308\n"
            b"E002,2024-04,productivity,-inf\n"
            b"E003,2024-03,productivity,NaN\n"
            b"E003,2024-04,productivity,-12\n"
        ),
        "only_delimiters.csv": b",,,,,,\n,,,,,,\n;;;;\n",
        "binary_with_csv_name.csv": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        # A trailing field on every row, with quotes: refused, never shifted into an index.
        "trailing_field_quoted.csv": (
            HEADER + "\n" + "".join(f'"{line}",PH\n'.replace(",", '","', 6) for line in GOOD)
        ).encode(),
        # A row missing its last fields behind quotes: refused like a long row.
        "short_row_quoted.csv": (text + '"E009","Short Row","Manila"\n').encode(),
        # UTF-8 but one line saved as cp1252: read line by line, one spelling of each site.
        "mixed_utf8_cp1252.csv": text.encode()
        + "E004,Íñigo Peña,Bogotá,CO,agent,2024-03-01,\n".encode("cp1252"),
        # A NUL byte inside a field near the top: removed and reported, not a binary file.
        "nul_in_field.csv": (text + "E005,Nul Row,Man\x00ila,PH,agent,2024-03-01,\n").encode(),
        # Escape sequences in a header and in cells: read, shown escaped.
        "escape_sequences.csv": (
            HEADER + ",Notes\x1b]0;x\x07\n" + "".join(f"{line},\x1b[2J\n" for line in GOOD)
        ).encode(),
        # Excel's default date style and month-first dates with a day above 12.
        "dates_excel_styles.csv": employees(
            "E001,Ana Reyes,Manila,PH,agent,08-Jan-24,",
            "E002,Ben Cruz,Manila,PH,agent,Feb 5, 2024,",
            "E003,José Núñez,Bogotá,CO,team_lead,2023-Nov-20,30-Jun-24",
        )
        .replace("Feb 5, 2024", '"Feb 5, 2024"')
        .encode(),
        "old_xls.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
    }
    out["workbook_ok.xlsx"] = _workbook()
    return out


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "employees"
    sheet.append(HEADER.split(","))
    for line in GOOD:
        sheet.append(line.split(","))
    sheet.append(["E060", "=1+1", "Manila", "PH", "agent", 45000, None])  # a serial date
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
