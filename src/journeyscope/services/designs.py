"""Designs and their versions: the designs folder plus every saved version in the workspace
database (``design_versions`` in ``workspace.sqlite``, SQLAlchemy Core).

A design is known by its journey id. Its versions are numbered from 1; each keeps the YAML
text as written, its author, time and message. The first version of a design that exists as
a file in the designs folder is that file (recorded the first time the design's versions are
read). Saving runs the same checks as ``journeyscope design validate`` and ``design lint``
(:func:`~journeyscope.services.design_check.check_design`): a text with an error is refused
with every message and its line (:class:`DesignRefused`); warnings are kept with the version.
Restoring an old version saves its text as a new version; nothing is ever overwritten.
Writing back puts a version's text into the designs folder (the design's file, or
``<id>.yaml`` for a design that began in the workspace): an explicit action, never a side
effect of saving.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    func,
    insert,
    select,
)

from journeyscope.config import Settings
from journeyscope.errors import DefinitionError, JourneyscopeError
from journeyscope.services.accounts import create_tables, database, workspace_database
from journeyscope.services.design_check import CheckResult, Message, check_design
from journeyscope.services.design_diff import Change, map_changes, text_diff

#: Who the first version of a design found in the designs folder is by.
FOLDER_AUTHOR: Final = "designs folder"
ID: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")

_meta = MetaData()
versions_table = Table(
    "design_versions",
    _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("design", String, nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("text", String, nullable=False),
    Column("author", String, nullable=False),
    Column("message", String, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("design", "number"),
)


class DesignNotFound(JourneyscopeError, LookupError):
    """No such design or version; the message names the ones there are."""


class DesignRefused(JourneyscopeError, ValueError):
    """A text that cannot be saved: its messages, each with its line."""

    def __init__(self, summary: str, messages: list[Message]) -> None:
        super().__init__(summary)
        self.messages = messages


@dataclass(frozen=True)
class Version:
    design: str
    number: int
    text: str
    author: str
    message: str
    created_at: float


@dataclass(frozen=True)
class DesignEntry:
    """A design in the list: its id and name, its file (if any) and its latest version."""

    id: str
    name: str
    file: Path | None
    versions: int
    latest: Version | None


@dataclass(frozen=True)
class DesignDiff:
    old: Version
    new: Version
    text: str
    changes: list[Change]


def as_written(text: str) -> str:
    """The text with the line ends a file has (a browser form sends CR LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _version(row: object) -> Version:
    m = row._mapping  # type: ignore[attr-defined]
    return Version(m["design"], m["number"], m["text"], m["author"], m["message"], m["created_at"])


class Designs:
    """The designs of one workspace: its designs folder and its versions table."""

    def __init__(self, database_path: Path, folder: Path) -> None:
        self.engine = database(database_path)
        create_tables(self.engine, _meta)
        self.folder = folder

    @classmethod
    def of(cls, settings: Settings) -> Designs:
        return cls(workspace_database(settings), Path(settings.designs))

    # ------------------------------------------------------------------------- the folder

    def files(self) -> dict[str, Path]:
        """Journey id -> file, for every YAML file in the folder whose id can be read (a file
        that does not load is left out: its id cannot be known)."""
        from journeyscope.definitions import load_journey

        found: dict[str, Path] = {}
        for path in sorted(self.folder.glob("*.y*ml")):
            try:
                journey = load_journey(path, check=False)
            except JourneyscopeError:
                continue
            found.setdefault(journey.id, path)
        return found

    def entries(self) -> list[DesignEntry]:
        """Every design: the folder's and those begun in the workspace, by id."""
        files = self.files()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(versions_table.c.design, func.max(versions_table.c.number)).group_by(
                    versions_table.c.design
                )
            ).all()
        latest = {d: n for d, n in rows}
        out = []
        for design in sorted(set(files) | set(latest)):
            version = self.version(design, latest[design]) if design in latest else None
            name = design
            text = version.text if version else files[design].read_text(encoding="utf-8")
            checked = check_design(text, f"{design}.yaml")
            if checked.journey is not None:
                name = checked.journey.name
            out.append(DesignEntry(design, name, files.get(design), latest.get(design, 0), version))
        return out

    def _check_id(self, design: str) -> None:
        if not ID.fullmatch(design):
            raise DesignNotFound(f"{design!r} is not a journey id (lower_case, digits, '_')")

    # ------------------------------------------------------------------------- versions

    def versions(self, design: str) -> list[Version]:
        """Every version of ``design``, newest first (the file becomes version 1 if none)."""
        self._check_id(design)
        self._seed(design)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(versions_table)
                .where(versions_table.c.design == design)
                .order_by(versions_table.c.number.desc())
            ).all()
        if not rows:
            known = ", ".join(e.id for e in self.entries()) or "none"
            raise DesignNotFound(f"no design {design!r} (designs: {known})")
        return [_version(r) for r in rows]

    def latest(self, design: str) -> Version:
        return self.versions(design)[0]

    def version(self, design: str, number: int) -> Version:
        self._check_id(design)
        self._seed(design)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(versions_table).where(
                    (versions_table.c.design == design) & (versions_table.c.number == number)
                )
            ).first()
        if row is None:
            have = [v.number for v in self.versions(design)]
            raise DesignNotFound(
                f"design {design!r} has no version {number} (versions {min(have)}–{max(have)})"
            )
        return _version(row)

    def _seed(self, design: str) -> None:
        """Record the folder's file as version 1 when the design has no version yet."""
        with self.engine.connect() as conn:
            has = conn.execute(
                select(versions_table.c.id).where(versions_table.c.design == design).limit(1)
            ).first()
        if has is not None:
            return
        path = self.files().get(design)
        if path is None:
            return
        self._insert(
            design,
            path.read_text(encoding="utf-8"),
            FOLDER_AUTHOR,
            f"{path.name} as found in the designs folder",
            only_if_first=True,
        )

    def _insert(
        self, design: str, text: str, author: str, message: str, *, only_if_first: bool = False
    ) -> Version:
        from sqlalchemy.exc import IntegrityError, OperationalError

        now = time.time()
        for _attempt in range(5):  # another save took the number meanwhile: take the next
            try:
                with self.engine.begin() as conn:
                    current = conn.execute(
                        select(func.max(versions_table.c.number)).where(
                            versions_table.c.design == design
                        )
                    ).scalar()
                    if only_if_first and current is not None:
                        return self.version(design, int(current))
                    number = int(current or 0) + 1
                    conn.execute(
                        insert(versions_table).values(
                            design=design,
                            number=number,
                            text=text,
                            author=author,
                            message=message,
                            created_at=now,
                        )
                    )
                return Version(design, number, text, author, message, now)
            except IntegrityError:
                continue
            except OperationalError as exc:  # a read snapshot older than another's save
                if "locked" not in str(exc):
                    raise
                time.sleep(0.05)
        raise DesignRefused(f"not saved: {design!r} is being saved by others; try again", [])

    def check(self, design: str, text: str) -> CheckResult:
        """The checks of saving ``text`` as ``design`` (whose id the text must keep)."""
        result = check_design(text, f"{design}.yaml")
        if result.journey is not None and result.journey.id != design:
            line = next(
                (i for i, t in enumerate(text.splitlines(), 1) if re.match(r"id\s*:", t)), None
            )
            wrong = Message(
                "error",
                line,
                "id",
                f"this design is {design!r}; a new id makes a new design (use New design)",
                "id-changed",
            )
            return CheckResult(result.journey, [wrong, *result.messages])
        return result

    def save(self, design: str, text: str, author: str, message: str) -> Version:
        """A new version of ``design``; refused (:class:`DesignRefused`) when the text has an
        error. An unchanged text is refused too: there is nothing to save. A design that does
        not exist is :class:`DesignNotFound` (a new one is made by :meth:`create`)."""
        self._check_id(design)
        self._seed(design)
        latest = self.latest(design)
        text = as_written(text)
        result = self.check(design, text)
        if result.errors:
            lines = [m.format(f"{design}.yaml") for m in result.errors]
            raise DesignRefused(
                f"not saved: {len(lines)} error{'s' if len(lines) != 1 else ''}\n"
                + "\n".join(lines),
                result.errors,
            )
        if latest.text == text:
            raise DesignRefused("not saved: nothing changed since the latest version", [])
        return self._insert(design, text, author, message.strip() or "no message")

    def create(self, text: str, author: str, message: str) -> Version:
        """A new design (its id from the text); refused if the id is taken or on error."""
        text = as_written(text)
        result = check_design(text, "new design.yaml")
        if result.journey is None or result.errors:
            lines = [m.format("new design.yaml") for m in result.errors]
            raise DesignRefused("not saved:\n" + "\n".join(lines), result.errors)
        design = result.journey.id
        if design in {e.id for e in self.entries()}:
            raise DesignRefused(
                f"not saved: a design {design!r} exists already; choose another id",
                [Message("error", 1, "id", f"a design {design!r} exists already", "id-taken")],
            )
        return self._insert(design, text, author, message.strip() or "new design")

    def restore(self, design: str, number: int, author: str) -> Version:
        """Version ``number``'s text saved again as the newest version."""
        old = self.version(design, number)
        return self.save(design, old.text, author, f"restored version {number}")

    def diff(self, design: str, old: int, new: int) -> DesignDiff:
        """The text diff and the map's changes from version ``old`` to ``new``."""
        a, b = self.version(design, old), self.version(design, new)
        changes: list[Change] = []
        before, after = check_design(a.text), check_design(b.text)
        if before.journey is not None and after.journey is not None:
            changes = map_changes(before.journey, after.journey)
        name = f"{design}.yaml"
        return DesignDiff(
            a, b, text_diff(a.text, b.text, f"{name} v{old}", f"{name} v{new}"), changes
        )

    def write_back(self, design: str, number: int) -> Path:
        """Write version ``number`` to the designs folder (the design's file, or
        ``<id>.yaml``); the file's path."""
        version = self.version(design, number)
        if check_design(version.text).errors:
            raise DefinitionError(f"version {number} of {design!r} has errors: not written")
        path = self.files().get(design) or self.folder / f"{design}.yaml"
        if path.resolve().parent != self.folder.resolve():
            raise DefinitionError(f"{path.name}: not in the designs folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        path.write_text(version.text, encoding="utf-8")
        return path
