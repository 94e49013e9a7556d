import io

import openpyxl
import pytest

from calls.readers import ReadError, TableReader, scan, sniff_delimiter

from .conftest import csv_bytes, profile_for


def read(data: bytes, *, file_name="calls.csv", **profile_fields):
    binary = io.BytesIO(data)
    reader = TableReader(
        binary, profile=profile_for(**profile_fields), facts=scan(binary), file_name=file_name
    )
    return reader, list(reader.rows())


ROW = ["A-1", "2024-03-01 10:00:00", "10-50", "Collision", "2", "911", "-73.5", "45.5", "S1"]


def test_a_utf8_bom_is_not_part_of_the_first_column():
    reader, rows = read(b"\xef\xbb\xbf" + csv_bytes([ROW]))
    assert reader.encoding == "utf-8-sig"
    assert rows == [(2, dict(zip(reader.header, ROW, strict=True)))]
    assert rows[0][1]["id"] == "A-1"


def test_utf8_without_bom_keeps_its_accents():
    reader, rows = read(csv_bytes([[*ROW[:3], "Méfait à l'école", *ROW[4:]]]))
    assert reader.encoding == "utf-8"
    assert rows[0][1]["label"] == "Méfait à l'école"


def test_windows_1252_is_recognised_when_the_file_is_not_utf8():
    reader, rows = read(csv_bytes([[*ROW[:3], "Méfait à l’école — vol", *ROW[4:]]], encoding="cp1252"))
    assert reader.encoding == "cp1252"
    assert rows[0][1]["label"] == "Méfait à l’école — vol"


def test_latin1_when_the_profile_says_so():
    _reader, rows = read(
        csv_bytes([[*ROW[:3], "Événement", *ROW[4:]]], encoding="latin-1"), encoding="latin-1"
    )
    assert rows[0][1]["label"] == "Événement"


def test_semicolons_are_found_even_with_decimal_commas_in_the_data():
    row = [*ROW[:6], "-73,5", "45,5", "S1"]
    reader, rows = read(csv_bytes([row, row], delimiter=";", line_end="\r\n"))
    assert reader.delimiter == ";"
    assert rows[0][1]["x"] == "-73,5" and rows[0][1]["sector"] == "S1"


def test_tab_and_comma_are_sniffed_too():
    assert sniff_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    reader, _rows = read(csv_bytes([ROW], delimiter="\t"))
    assert reader.delimiter == "\t"


def test_the_profile_delimiter_wins_over_sniffing():
    reader, rows = read(csv_bytes([ROW], delimiter=";"), delimiter=";")
    assert reader.delimiter == ";" and rows[0][1]["code"] == "10-50"


def test_quoted_newlines_keep_the_physical_line_numbers():
    data = csv_bytes(
        [
            [*ROW[:3], "first line\nsecond line\nthird", *ROW[4:]],
            ["A-2", *ROW[1:]],
            [*ROW[:3], "one\r\ntwo", *ROW[4:]],
            ["A-4", *ROW[1:]],
        ],
        line_end="\r\n",
    )
    _reader, rows = read(data)
    assert [line for line, _row in rows] == [2, 5, 6, 8]
    assert rows[0][1]["label"] == "first line\nsecond line\nthird"


def test_blank_lines_are_skipped_but_counted():
    data = csv_bytes([ROW, [], ["A-2", *ROW[1:]]])
    assert data.count(b"\n") == 4
    _reader, rows = read(data)
    assert [line for line, _row in rows] == [2, 4]


def test_short_rows_get_empty_cells():
    _reader, rows = read(b"id,time,code,label,priority,origin,x,y,sector\nA-1,2024-03-01\n")
    assert rows[0][1]["x"] is None


def test_a_missing_column_refuses_the_file_naming_it(english):
    with pytest.raises(ReadError, match="Columns missing from the file's header: sector"):
        read(
            csv_bytes(
                [ROW[:-1]],
                columns=[c for c in ["id", "time", "code", "label", "priority", "origin", "x", "y"]],
            )
        )


def test_an_empty_file_is_refused(english):
    with pytest.raises(ReadError, match="empty"):
        read(b"")


def test_the_callers_file_stays_open():
    binary = io.BytesIO(csv_bytes([ROW]))
    reader = TableReader(binary, profile=profile_for(), facts=scan(binary))
    list(reader.rows())
    assert not binary.closed


def test_scan_gives_checksum_size_and_encoding_facts():
    facts = scan(io.BytesIO(b"\xef\xbb\xbfid\n"))
    assert facts.size == 6 and facts.starts_with_bom and facts.is_utf8 and len(facts.sha256) == 64
    assert not scan(io.BytesIO("é".encode("cp1252"))).is_utf8


def test_a_small_xlsx_file_reads_with_spreadsheet_row_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "time", "code", "label", "priority", "origin", "x", "y", "sector"])
    sheet.append([2011000272829, "2024-03-01 10:00:00", "10-50", "Collision", 2, "911", -73.5, 45.5, "S1"])
    sheet.append([None] * 9)
    sheet.append(["A-2", "2024-03-01 11:00:00", "10-51", "Vol à l’étalage", None, "TEL", None, None, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    reader, rows = read(buffer.getvalue(), file_name="export.xlsx")
    assert reader.format == "xlsx"
    assert [line for line, _row in rows] == [2, 4]
    assert rows[0][1]["id"] == 2011000272829 and rows[0][1]["x"] == -73.5
    assert rows[1][1]["label"] == "Vol à l’étalage"
