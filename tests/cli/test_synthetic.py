"""``journeyscope synthetic`` (cli/synthetic.py): the generator's events written where asked, as
CSV or Parquet, the same seed giving the same file, a bad count refused."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq

from command_kit import outcome


def test_synthetic_writes_truth_columns(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    code, _, _ = outcome("synthetic", "--customers", "50", "--seed", "2", "--out", str(out))
    assert code == 0
    header = out.read_text().splitlines()[0]
    assert "true_satisfaction" in header and "true_customer_id" in header


def test_the_same_seed_writes_the_same_file_and_another_seed_another(tmp_path: Path) -> None:
    files = {}
    for name, seed in (("a", "2"), ("b", "2"), ("c", "3")):
        files[name] = tmp_path / f"{name}.csv"
        code, _, _ = outcome(
            "synthetic", "--customers", "20", "--seed", seed, "--out", str(files[name])
        )
        assert code == 0
    assert files["a"].read_bytes() == files["b"].read_bytes()
    assert files["a"].read_bytes() != files["c"].read_bytes()


def test_parquet_in_a_new_folder_and_the_count_it_reports(tmp_path: Path) -> None:
    out = tmp_path / "new" / "events.parquet"
    code, stdout, err = outcome("synthetic", "--customers", "20", "--seed", "2", "--out", str(out))
    assert code == 0 and stdout == ""
    said = re.search(r"wrote ([\d,]+) events of 20 customers to (\S+)", err)
    assert said is not None and said[2] == str(out)
    table = pq.read_table(out)
    assert table.num_rows == int(said[1].replace(",", "")) > 20
    assert {"case_id", "activity", "timestamp", "true_customer_id"} <= set(table.column_names)
    # every customer's truth is in the file: 20 customers
    assert len(set(table.column("true_customer_id").to_pylist())) == 20


def test_a_count_below_one_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    code, _, err = outcome("synthetic", "--customers", "0", "--out", str(out))
    assert code == 2 and "--customers" in err and "greater than or equal to 1" in err
    assert not out.exists()
