"""``journeyscope catalogue infer | validate | show`` (cli/catalogue.py): the draft printed or
written where asked, a checked file, the table of activities, errors naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from command_kit import outcome, run_cli
from journeyscope.events.catalogue import Catalogue

ROWS = (
    "case_id,activity,timestamp,channel,customer_email,amount\n"
    "c1,Apply,2024-01-01,web,a@x.org,10\nc1,Pay,2024-01-02,phone,,12.5\n"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("catalogue-cli")
    (folder / "e.csv").write_text(ROWS)
    path = str(folder / "s.duckdb")
    run_cli("ingest", str(folder / "e.csv"), "--store", path)
    return path


def test_catalogue_infer_validate_and_strict_ingest(tmp_path: Path) -> None:
    data = tmp_path / "e.csv"
    data.write_text(
        "case_id,activity,timestamp,channel,customer_email,amount\n"
        "c1,Apply,2024-01-01,web,a@x.org,10\nc1,Pay,2024-01-02,phone,,12.5\n"
    )
    store = str(tmp_path / "s.duckdb")
    assert outcome("ingest", str(data), "--store", store)[0] == 0
    catalogue = tmp_path / "catalogue.yaml"
    assert outcome("catalogue", "infer", "--store", store, "--out", str(catalogue))[0] == 0
    text = catalogue.read_text()
    assert "Apply:" in text and "customer_email" in text
    code, _, err = outcome("catalogue", "validate", str(catalogue))
    assert code == 0 and "2 activities" in err
    # strict ingest against a catalogue that lacks 'Pay'
    catalogue.write_text("version: 1\nactivities:\n  Apply:\n    channels: [web]\n")
    more = tmp_path / "more.csv"
    more.write_text("case_id,activity,timestamp\nc2,Apply,2024-02-01\nc2,Pay,2024-02-02\n")
    code, out, _ = outcome(
        "ingest", str(more), "--store", store, "--catalogue", str(catalogue), "--strict", "--json"
    )
    assert code == 0
    assert json.loads(out)["files"][0]["quarantined"] == 1


def test_catalogue_errors_name_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("version: 1\nactivities:\n  Apply:\n    channels: [web]\n    colour: blue\n")
    code, _, err = outcome("catalogue", "validate", str(bad))
    assert code == 2
    assert f"{bad}:5: activities.Apply.colour: Extra inputs are not permitted" in err
    bad.write_text("version: 1\nactivities:\n  Apply: [unclosed\n")
    code, _, err = outcome("catalogue", "validate", str(bad))
    assert code == 2 and f"{bad}:" in err and "not valid YAML" in err


def test_infer_prints_the_draft_on_standard_output(store: str, tmp_path: Path) -> None:
    code, out, err = outcome("catalogue", "infer", "--store", store)
    assert code == 0 and err == ""
    draft = Catalogue.model_validate(yaml.safe_load(out))
    assert list(draft.activities) == ["Apply", "Pay"]
    apply, pay = draft.activities["Apply"], draft.activities["Pay"]
    assert (apply.channels, pay.channels) == (["web"], ["phone"])
    assert apply.properties == {"customer_email": "string", "amount": "number"}
    assert pay.properties == {"amount": "number"}
    assert (apply.pii, pay.pii) == (["customer_email"], [])
    assert apply.description == "TODO: describe. Drafted from 1 events."
    assert {name: c.kind for name, c in draft.channels.items()} == {
        "phone": "assisted",
        "web": "digital",
    }
    written = tmp_path / "c.yaml"
    code, _, err = outcome("catalogue", "infer", "--store", store, "--out", str(written))
    assert code == 0 and f"wrote 2 activities to {written}" in err
    assert written.read_text(encoding="utf-8") == out


def test_show_lists_each_activity_with_its_stage_channels_properties_and_pii(
    tmp_path: Path,
) -> None:
    file = tmp_path / "c.yaml"
    file.write_text(
        "version: 1\nactivities:\n"
        "  Apply:\n    stage: apply\n    channels: [web, app]\n"
        "    properties: {email: string, amount: number}\n    pii: [email]\n"
        "  Pay:\n    channels: [phone]\n"
    )
    code, out, err = outcome("catalogue", "show", str(file))
    assert code == 0 and out == ""
    rows = [line.replace("│", " ").replace("┃", " ").split() for line in err.splitlines()]
    assert ["activity", "stage", "channels", "properties", "pii"] in rows
    assert ["Apply", "apply", "web,", "app", "email,", "amount", "email"] in rows
    assert ["Pay", "phone"] in rows


def test_a_missing_file_or_store_is_one_clear_line(tmp_path: Path) -> None:
    for command in ("validate", "show"):
        code, _, err = outcome("catalogue", command, str(tmp_path / "none.yaml"))
        assert code == 2 and "none.yaml: cannot read" in err and "Traceback" not in err
    missing = tmp_path / "none.duckdb"
    code, _, err = outcome("catalogue", "infer", "--store", str(missing))
    assert code == 2 and "no such store" in err
    assert not missing.exists()
