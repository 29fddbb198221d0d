"""Workspace accounts (services/accounts.py): users and roles, sign-in, sessions that expire,
and the failed sign-in limit, on a workspace database in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from journeyscope.errors import AccountError, SignInRefused
from journeyscope.services.accounts import (
    FAILURE_LIMIT,
    PERMISSIONS,
    ROLE_SCOPES,
    ROLES,
    Accounts,
    check_role,
)

# argon2 with small costs keeps the test fast; production uses the library's defaults
FAST = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
PASSWORD = "correct horse"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    return Accounts(tmp_path / "workspace.sqlite", idle=3600.0, absolute=86400.0, hasher=FAST)


def test_users_are_added_listed_and_removed_with_their_sessions(accounts: Accounts) -> None:
    accounts.add("zoe", "viewer", PASSWORD)
    accounts.add("ann@example.org", "admin", PASSWORD)
    assert [(u.name, u.role) for u in accounts.users()] == [
        ("ann@example.org", "admin"),
        ("zoe", "viewer"),
    ]
    token, _ = accounts.sign_in("zoe", PASSWORD)
    accounts.remove("zoe")
    assert accounts.user("zoe") is None
    assert accounts.session(token) is None, "a removed user's session must end"


def test_bad_names_roles_and_passwords_are_refused_plainly(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="user name ' zoe'"):
        accounts.add(" zoe", "viewer", PASSWORD)
    with pytest.raises(AccountError, match="did you mean analyst"):
        accounts.add("zoe", "analist", PASSWORD)
    with pytest.raises(AccountError, match="at least 8 characters"):
        accounts.add("zoe", "viewer", "short")
    accounts.add("zoe", "viewer", PASSWORD)
    with pytest.raises(AccountError, match="exists already"):
        accounts.add("zoe", "admin", PASSWORD)
    with pytest.raises(AccountError, match="did you mean zoe"):
        accounts.remove("zo")
    assert check_role("operator") == "operator"


def test_a_session_is_found_by_its_token_only_and_carries_the_role(accounts: Accounts) -> None:
    accounts.add("olga", "operator", PASSWORD)
    token, session = accounts.sign_in("olga", PASSWORD, address="10.0.0.1")
    assert session.user.name == "olga" and session.user.role == "operator"
    again = accounts.session(token)
    assert again is not None and again.csrf == session.csrf
    assert "interactions:invoke" in again.user.scopes
    assert again.user.may("operate") and not again.user.may("users")
    assert accounts.session(token + "x") is None
    other, _ = accounts.sign_in("olga", PASSWORD)
    assert other != token, "each sign-in gets its own token"
    accounts.sign_out(token)
    assert accounts.session(token) is None
    assert accounts.session(other) is not None, "signing out ends that session only"


def test_sessions_expire_when_idle_and_after_the_absolute_limit(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "w.sqlite", idle=600.0, absolute=3000.0, hasher=FAST)
    accounts.add("ann", "admin", PASSWORD)
    token, _ = accounts.sign_in("ann", PASSWORD)
    accounts.age_sessions(500.0)
    assert accounts.session(token) is not None  # used 500 s ago: still alive, and now renewed
    accounts.age_sessions(599.0)
    assert accounts.session(token) is not None
    accounts.age_sessions(601.0)
    assert accounts.session(token) is None, "idle longer than the idle limit"
    token, _ = accounts.sign_in("ann", PASSWORD)
    for _ in range(6):  # used every 500 s, but 3,000 s after sign-in it ends anyway
        accounts.age_sessions(500.0)
        alive = accounts.session(token)
    assert alive is None


def test_wrong_passwords_and_names_get_one_message_then_the_limit(accounts: Accounts) -> None:
    accounts.add("ann", "analyst", PASSWORD)
    messages = set()
    for attempt in range(FAILURE_LIMIT):
        with pytest.raises(AccountError) as wrong:
            accounts.sign_in("ann" if attempt % 2 else "nobody", "wrong password", address="a")
        messages.add(str(wrong.value))
    assert messages == {"wrong user name or password"}, "no hint whether the name exists"
    with pytest.raises(SignInRefused) as refused:
        accounts.sign_in("ann", PASSWORD, address="a")  # the address is over the limit
    assert 0 < refused.value.retry_after <= 15 * 60
    _, session = accounts.sign_in("ann", PASSWORD, address="b")  # another address: heard
    assert session.user.name == "ann"


def test_every_role_has_scopes_and_only_admins_manage_users() -> None:
    assert set(ROLE_SCOPES) == set(ROLES)
    assert PERMISSIONS["read"] == frozenset(ROLES)
    assert PERMISSIONS["users"] == {"admin"}
    assert all(role in ROLES for allowed in PERMISSIONS.values() for role in allowed)
