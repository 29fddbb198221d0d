"""The streaming XES reader and format detection."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from journeyscope.errors import InputFormatError
from journeyscope.events.readers import detect_format, read_xes

XES = """<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><date key="time:timestamp" value="1970-01-01T00:00:00.000+01:00"/></global>
  <string key="concept:name" value="log-level attribute, not an event"/>
  <trace>
    <string key="concept:name" value="NA"/>
    <string key="channel" value="Desk"/>
    <event>
      <string key="concept:name" value="Register"/>
      <date key="time:timestamp" value="2011-10-11T13:45:40.276+02:00"/>
      <int key="amount" value="12"/>
      <list key="tags"><values><string key="x" value="nested"/></values></list>
    </event>
    <event>
      <string key="concept:name" value="Decide"/>
      <float key="amount" value="1.5"/>
    </event>
  </trace>
</log>
"""


def test_detect_format() -> None:
    assert detect_format(Path("a.XES.GZ")) == "xes"
    assert detect_format(Path("a.ndjson")) == "jsonl"
    assert detect_format(Path("a.parquet")) == "parquet"
    with pytest.raises(InputFormatError):
        detect_format(Path("a.docx"))


@pytest.mark.parametrize("zipped", [False, True])
def test_xes_rows_trace_attributes_and_types(tmp_path: Path, zipped: bool) -> None:
    path = tmp_path / ("log.xes.gz" if zipped else "log.xes")
    data = XES.encode()
    path.write_bytes(gzip.compress(data) if zipped else data)
    (table,) = list(read_xes(path))
    rows = table.to_pylist()
    assert [r["concept:name"] for r in rows] == ["Register", "Decide"]
    assert [r["case:concept:name"] for r in rows] == ["NA", "NA"]
    assert rows[0]["case:channel"] == "Desk"
    assert rows[1]["time:timestamp"] is None  # globals are declarations, not fill-in values
    assert [r["amount"] for r in rows] == ["12", "1.5"]  # int and float in one column: text
    assert [r["__row"] for r in rows] == [1, 2]
    assert "tags" not in rows[0] or rows[0]["tags"] is None or "x" not in table.column_names


def test_xes_batches_cover_every_event(tmp_path: Path) -> None:
    traces = "".join(
        f'<trace><string key="concept:name" value="c{i}"/>'
        + "".join(f'<event><string key="concept:name" value="a{j}"/></event>' for j in range(3))
        + "</trace>"
        for i in range(10)
    )
    path = tmp_path / "big.xes"
    path.write_text(f"<log>{traces}</log>")
    tables = list(read_xes(path, batch_size=4))
    assert sum(t.num_rows for t in tables) == 30
    rows = [r["__row"] for t in tables for r in t.to_pylist()]
    assert rows == list(range(1, 31))


def test_truncated_xes_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.xes.gz"
    path.write_bytes(gzip.compress(XES.encode())[:-30])
    with pytest.raises(InputFormatError, match=r"cut\.xes\.gz"):
        list(read_xes(path))


def test_xes_attribute_without_a_value_is_missing_not_a_crash(tmp_path: Path) -> None:
    # found by the fuzz tests: a <date> without value gave KeyError: 'date'
    path = tmp_path / "v.xes"
    path.write_text(
        '<log><trace><string key="concept:name" value="c"/><event>'
        '<string key="concept:name" value="A"/><date key="time:timestamp"/><int key="n"/>'
        "</event></trace></log>"
    )
    (table,) = list(read_xes(path))
    row = table.to_pylist()[0]
    assert (row["time:timestamp"], row["n"], row["__error"]) == (None, None, None)
