"""``journeyscope users add | list | remove``: the password comes from standard input only."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import Result

from command_kit import invoke
from journeyscope.config import Settings
from journeyscope.services.accounts import Accounts, workspace_database


def _run(args: list[str], store: Path, stdin: str = "") -> Result:
    return invoke("users", *args, env={"JOURNEYSCOPE_STORE": str(store)}, stdin=stdin)


def test_users_add_list_remove(tmp_path: Path) -> None:
    store = tmp_path / "s" / "store.duckdb"
    added = _run(["add", "maria", "--role", "analyst"], store, "a long password\n")
    assert added.exit_code == 0, added.stderr
    assert "a long password" not in added.stdout + added.stderr
    listed = json.loads(_run(["list", "--json"], store).stdout)
    assert [(u["name"], u["role"]) for u in listed] == [("maria", "analyst")]
    accounts = Accounts(workspace_database(Settings(store=store)))
    token, session = accounts.sign_in("maria", "a long password")
    assert session.user.role == "analyst" and accounts.session(token) is not None
    typo = _run(["add", "kim", "--role", "analist"], store, "another password\n")
    assert typo.exit_code == 2 and "did you mean analyst" in typo.stderr
    short = _run(["add", "kim", "--role", "viewer"], store, "short\n")
    assert short.exit_code == 2 and "at least 8 characters" in short.stderr
    removed = _run(["remove", "maria"], store)
    assert removed.exit_code == 0, removed.stderr
    assert accounts.session(token) is None  # removing a user ends their sessions
    again = _run(["remove", "mariah"], store)
    assert again.exit_code == 2 and "no user 'mariah'" in again.stderr
