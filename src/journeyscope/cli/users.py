"""``journeyscope users add | list | remove``: the workspace's users.

The password is read from standard input (one line; a terminal asks for it twice without
echoing it), never from the command line, where other users of the machine could see it.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from journeyscope.cli.common import JsonOption, console, print_json

app = typer.Typer(help="Workspace users: add, list, remove.", no_args_is_help=True)


def _password() -> str:
    if sys.stdin.isatty():
        first = typer.prompt("password", hide_input=True, err=True)
        again = typer.prompt("again", hide_input=True, err=True)
        if first != again:
            raise typer.BadParameter("the two passwords differ")
        return str(first)
    return sys.stdin.readline().rstrip("\r\n")


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ - @).")],
    role: Annotated[
        str, typer.Option(help="viewer, analyst, designer, operator or admin.")
    ] = "viewer",
) -> None:
    """Add a user; the password is read from standard input."""
    from journeyscope.cli.options import root_settings
    from journeyscope.services.accounts import Accounts, check_role

    check_role(role)
    user = Accounts.of(root_settings()).add(name, role, _password())
    console.print(f"added {user.name} ({user.role})")


@app.command("list")
def list_users(as_json: JsonOption = False) -> None:
    """The users and their roles."""
    from journeyscope.cli.options import root_settings
    from journeyscope.services.accounts import Accounts

    users = Accounts.of(root_settings()).users()
    if as_json:
        print_json(
            [
                {
                    "name": u.name,
                    "role": u.role,
                    "created_at": datetime.fromtimestamp(u.created_at, UTC).isoformat(),
                }
                for u in users
            ]
        )
        return
    table = Table("name", "role", "added", title=f"{len(users)} users")
    for u in users:
        table.add_row(
            u.name, u.role, datetime.fromtimestamp(u.created_at, UTC).strftime("%Y-%m-%d")
        )
    console.print(table)


@app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Remove a user and end their sessions."""
    from journeyscope.cli.options import root_settings
    from journeyscope.services.accounts import Accounts

    Accounts.of(root_settings()).remove(name)
    console.print(f"removed {name}")
