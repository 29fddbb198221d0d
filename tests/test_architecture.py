"""The rules of docs/architecture.md, checked on every module of the package, imports inside
functions included (a lazy import is still a dependency):

- each layer imports itself and the layers listed for it, nothing else of journeyscope;
- web and cli, the two entry points, never import each other;
- only web and cli import a web or command-line framework; no module imports the test-only
  oracles (pm4py, chdb);
- the engine's deterministic core (``engine/core``) imports nothing of the engine's runtime
  and no database, network, thread or clock library, and reads no clock;
- render is pure: it reads no clock (the report takes ``now``) and imports no database or
  query library;
- services is the only place that executes analyses: web, cli and render import no database
  or query library and materialise no query;
- one Settings, injected: only the command line's callback and the web app's factories build
  one, and neither entry point hands configuration on through environment variables;
- the engine's worker writes no SQL of its own, and the engine never reads API keys;
- HTTP clients belong to the delivery runtime (``engine/interactions.py``), none built at
  import time;
- one name per concept (``Journey`` / ``Step``, ``OrchestratedJourney``, ``ScenarioJourney``,
  no analytics *engine*), one duration grammar (``durations.py``), one keyed hash for
  customer identifiers (``pseudonyms.py``);
- every import of the package names a module that exists (a rename leaves none behind);
- no module is over 600 lines, generated data excepted;
- the tests mirror the code: each module has a test file of its name in its layer's folder.
Start-up cost and the lazy packages are checked by tests/cli/test_startup.py and
tests/test_lazy.py; importing the engine core without its runtime by
tests/engine/test_public_api.py."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "journeyscope"

SHARED = {"errors", "config", "yamlfile", "durations", "pseudonyms", "lazy"}
BELOW: dict[str, set[str]] = {
    "errors": set(),
    "config": {"errors"},
    "yamlfile": {"errors"},
    "durations": set(),
    "pseudonyms": {"errors"},
    "lazy": set(),
    # identity stitching is part of the events layer (events/identity.py): the store completes
    # a stitch that a killed ingest left pending before anything reads it
    "events": SHARED,
    "definitions": SHARED | {"events"},
    "analytics": SHARED | {"events", "definitions"},
    "engine": SHARED | {"events", "definitions"},
    "synthetic": SHARED | {"events", "definitions"},
    "synthetic_parts": SHARED | {"synthetic"},
    "render": SHARED | {"events", "definitions", "analytics", "engine"},
}
BELOW["services"] = set(BELOW) | {"render", "synthetic"}
BELOW["web"] = BELOW["services"] | {"services"}
BELOW["cli"] = BELOW["services"] | {"services"}
BELOW["testing"] = BELOW["services"] | {"services"}
# The root package re-exports the public API lazily; `python -m journeyscope` runs the CLI.
BELOW["__init__"] = BELOW["services"] | {"services"}
BELOW["__main__"] = {"cli"}

FRAMEWORKS = {"fastapi", "starlette", "uvicorn", "typer", "click", "rich"}
NEVER = {"pm4py", "chdb"}  # test oracles only: pm4py is AGPL-3.0

ENGINE_CORE = "journeyscope.engine.core"
# the core is a pure transition: no database, HTTP, server, thread, socket or wall clock
CORE_NEVER = {"sqlalchemy", "httpx", "psycopg", "uvicorn", "fastapi", "threading", "socket", "time"}


# the libraries that open a database or run a query
DATABASES = {"duckdb", "ibis", "sqlalchemy", "psycopg", "pyspark", "sqlite3"}
# calls that run a query and bring its rows into Python
MATERIALISE = {"execute", "to_pyarrow", "to_pandas", "to_pyarrow_batches", "fetchall", "sql"}
# calls that read the wall clock
CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today")}
CLOCK_READS |= {("date", "today"), ("time", "time"), ("time", "monotonic")}
# where a rule is broken today, each with the work that removes it (this test fails when the
# exception is no longer needed, so the list only shrinks)
KNOWN: dict[str, set[str]] = {"materialise": set()}
# the only modules that build a Settings (the command line's callback; the web app's factory)
SETTINGS_BUILDERS = {"cli/__init__.py", "web/app.py"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _tree(path: Path) -> ast.Module:
    """The parsed module (each file is parsed once per session)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path, package: str | None = None) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against its package."""
    if package is None:
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return found


def _calls(path: Path) -> list[tuple[str, str]]:
    """``(receiver, method)`` of every call ``x.method(...)`` in ``path`` (receiver: the
    name before the dot when it is a plain name, else ``""``), and ``("", f)`` for ``f(...)``."""
    found = []
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            value = func.value
            receiver = value.id if isinstance(value, ast.Name) else ""
            if isinstance(value, ast.Attribute):
                receiver = value.attr
            found.append((receiver, func.attr))
        elif isinstance(func, ast.Name):
            found.append(("", func.id))
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_module_belongs_to_a_declared_layer() -> None:
    unknown = {_layer(_module_name(p)) for p in _modules()} - set(BELOW)
    assert not unknown, f"layers missing from docs/architecture.md and this test: {unknown}"


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in _modules():
        layer = _layer(_module_name(path))
        for imported in _imports(path):
            if imported == "journeyscope" or not imported.startswith("journeyscope."):
                continue
            target = _layer(imported)
            if target != layer and target not in BELOW.get(layer, set()):
                wrong.append(f"{path.relative_to(SRC)} ({layer}) imports {imported} ({target})")
    assert not wrong, "\n".join(wrong)


def test_the_core_imports_no_web_or_cli_framework() -> None:
    wrong = []
    for path in _modules():
        layer = _layer(_module_name(path))
        roots = {name.split(".")[0] for name in _imports(path)}
        if layer not in {"web", "cli"} and roots & FRAMEWORKS:
            wrong.append(f"{path.relative_to(SRC)}: {sorted(roots & FRAMEWORKS)}")
        if roots & NEVER:
            wrong.append(f"{path.relative_to(SRC)}: {sorted(roots & NEVER)}")
    assert not wrong, "\n".join(wrong)


def _core_violations(module: str, imported: set[str]) -> list[str]:
    """What ``module`` (of the engine core) must not import, of ``imported``."""
    wrong = [
        name
        for name in imported
        if name.startswith("journeyscope.engine")
        and not (name == ENGINE_CORE or name.startswith(ENGINE_CORE + "."))
    ]  # `from journeyscope.engine import x` (or `from .. import x`) reads as the package: wrong too
    wrong += [name for name in imported if name.split(".")[0] in CORE_NEVER]
    return sorted(f"{module} imports {name}" for name in wrong)


def test_the_engine_core_imports_nothing_of_its_runtime() -> None:
    core = [p for p in _modules() if _module_name(p).startswith(ENGINE_CORE)]
    assert len(core) > 10, "the engine core has moved: update ENGINE_CORE"
    wrong = [w for p in core for w in _core_violations(_module_name(p), _imports(p))]
    assert not wrong, "\n".join(wrong)


def test_the_rules_catch_a_wrong_import(tmp_path: Path) -> None:
    """The checker itself: an analytics module importing the web layer is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("from journeyscope.web.app import create_app\nfrom . import funnels\n")
    names = _imports(bad, package="journeyscope.analytics")
    assert names == {"journeyscope.web.app", "journeyscope.analytics"}
    assert _layer("journeyscope.web.app") not in BELOW["analytics"]
    assert _layer("journeyscope.analytics") == "analytics"


def test_the_core_rule_catches_a_runtime_import(tmp_path: Path) -> None:
    """The checker itself: a core module importing the store, a sibling of the runtime by a
    relative import, or SQLAlchemy inside a function is found; core siblings are not."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from journeyscope.engine.store import EngineStore\n"
        "from .. import worker\n"
        "from . import rules\n"
        "def f():\n    import sqlalchemy.orm\n"
    )
    names = _imports(bad, package=ENGINE_CORE)
    assert _core_violations(f"{ENGINE_CORE}.bad", names) == [
        f"{ENGINE_CORE}.bad imports journeyscope.engine",
        f"{ENGINE_CORE}.bad imports journeyscope.engine.store",
        f"{ENGINE_CORE}.bad imports sqlalchemy.orm",
    ]


def _in(*layers: str) -> list[Path]:
    return [p for p in _modules() if _layer(_module_name(p)) in layers]


def _where(path: Path) -> str:
    """``path`` within the package (a checker's own example elsewhere: its file name)."""
    return path.relative_to(SRC).as_posix() if path.is_relative_to(SRC) else path.name


def test_web_and_cli_never_import_each_other() -> None:
    wrong = [
        f"{_where(p)} imports {name}"
        for p in _in("web", "cli")
        for name in _imports(p)
        if name.startswith("journeyscope.")
        and {_layer(_module_name(p)), _layer(name)} == {"web", "cli"}
    ]
    assert not wrong, "\n".join(wrong)
    assert "cli" not in BELOW["web"] and "web" not in BELOW["cli"]


def _clock_reads(path: Path) -> list[str]:
    return sorted({f"{_where(path)}: {r}.{m}()" for r, m in _calls(path) if (r, m) in CLOCK_READS})


def test_the_engine_core_and_render_read_no_clock() -> None:
    """The engine core takes ``now`` as a number and the report page takes ``now``: neither
    reads the wall clock itself (``time`` is also refused to the core as an import)."""
    core = [p for p in _modules() if _module_name(p).startswith(ENGINE_CORE)]
    wrong = [w for p in core + _in("render") for w in _clock_reads(p)]
    assert not wrong, "\n".join(wrong)


def test_only_services_and_below_open_a_database() -> None:
    """web, cli and render go through the services for data: none imports DuckDB, Ibis,
    SQLAlchemy, psycopg, PySpark or sqlite3."""
    wrong = [
        f"{_where(p)}: {sorted(roots)}"
        for p in _in("web", "cli", "render")
        if (roots := {name.split(".")[0] for name in _imports(p)} & DATABASES)
    ]
    assert not wrong, "\n".join(wrong)


def _materialising(paths: list[Path]) -> set[str]:
    return {f"{_where(p)}: {m}" for p in paths for _, m in _calls(p) if m in MATERIALISE}


def test_only_services_execute_analyses() -> None:
    """No query is run from web, cli or render: no ``.execute()``, ``.to_pyarrow()``,
    ``.to_pandas()``, ``.sql()`` or ``.fetchall()`` there (the services layer runs them)."""
    found = _materialising(_in("web", "cli", "render"))
    assert found - KNOWN["materialise"] == set(), "\n".join(sorted(found - KNOWN["materialise"]))
    gone = KNOWN["materialise"] - found
    assert not gone, f"fixed, remove from KNOWN: {sorted(gone)}"


def test_settings_are_built_by_the_entry_points_only() -> None:
    """One Settings, injected: the command line builds it in its callback, the web app in its
    factory; every other module takes it as an argument."""
    builders = {_where(p) for p in _modules() for _, f in _calls(p) if f == "Settings"}
    assert builders <= SETTINGS_BUILDERS, sorted(builders - SETTINGS_BUILDERS)
    cli_builds = [f for _, f in _calls(SRC / "cli" / "__init__.py") if f == "Settings"]
    assert len(cli_builds) == 1, "the command line builds its Settings once, in its callback"


def test_the_extra_checkers_find_what_they_look_for(tmp_path: Path) -> None:
    """The checkers themselves: a clock read, a materialised query and a Settings built."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import datetime\nfrom time import time\n"
        "def f(expr, con):\n"
        "    datetime.datetime.now()\n    time.time()\n"
        "    expr.to_pyarrow()\n    con.execute('select 1')\n    return Settings()\n"
    )
    calls = _calls(bad)
    assert {("datetime", "now"), ("time", "time")} <= {c for c in calls if c in CLOCK_READS}
    assert {m for _, m in calls if m in MATERIALISE} == {"to_pyarrow", "execute"}
    assert ("", "Settings") in calls


def _exists(module: str) -> bool:
    path = SRC.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def test_every_import_of_the_package_names_a_module_that_exists() -> None:
    """A module renamed or moved leaves no import behind (imports inside functions are only
    found when they run: this finds them before)."""
    wrong = [
        f"{_where(p)} imports {name}"
        for p in _modules()
        for name in _imports(p)
        if name.startswith("journeyscope.") and not _exists(name)
        # `from journeyscope.x import name`: the module is journeyscope.x, checked on its own
    ]
    assert not wrong, "\n".join(sorted(wrong))


def test_the_worker_writes_no_sql_of_its_own() -> None:
    """Its batch transaction composes the store's repositories: of SQLAlchemy it may catch
    errors, nothing else, and it never reaches for the tables."""
    worker = SRC / "engine" / "worker.py"
    wrong = [
        name
        for name in _imports(worker)
        if (name.split(".")[0] == "sqlalchemy" and not name.startswith("sqlalchemy.exc"))
        or name == "journeyscope.engine.schema"
    ]
    assert not wrong, wrong


def test_the_engine_never_reads_api_keys() -> None:
    """API keys belong to the web layer (issued and looked up by services/api_keys.py); the
    engine only declares their table in its schema."""
    wrong = [
        _where(p)
        for p in _in("engine")
        if p.name != "schema.py"
        and any(
            (isinstance(n, ast.Name) and n.id == "api_keys")
            or (isinstance(n, ast.Attribute) and n.attr == "api_keys")
            or (isinstance(n, ast.Constant) and n.value == "api_keys")
            for n in ast.walk(_tree(p))
        )
    ]
    assert not wrong, wrong


def _enclosing_functions(path: Path) -> dict[int, str]:
    """For each line of ``path`` inside a top-level function or class, its name."""
    found: dict[int, str] = {}
    for node in _tree(path).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            end = node.end_lineno or node.lineno
            found |= dict.fromkeys(range(node.lineno, end + 1), node.name)
    return found


# where a Settings is built: (module, its top-level function); app_from_env is the factory an
# ASGI server started on its own calls (it reads JOURNEYSCOPE_*)
SETTINGS_FUNCTIONS = {
    ("cli/__init__.py", "_settings"),
    ("web/app.py", "create_app"),
    ("web/app.py", "app_from_env"),
}


def _settings_built(path: Path) -> set[tuple[str, str]]:
    within = _enclosing_functions(path)
    return {
        (_where(path), within.get(node.lineno, "<module>"))
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name | ast.Attribute)
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "Settings"
    }


def test_settings_are_built_in_the_callback_and_the_factories() -> None:
    """Not only the module: the command line's callback and the web app's factories, never
    a command or a route in the same file."""
    built = {b for p in _modules() for b in _settings_built(p)}
    assert built <= SETTINGS_FUNCTIONS, sorted(built - SETTINGS_FUNCTIONS)
    assert ("cli/__init__.py", "_settings") in built, "the CLI callback moved: update the test"


#: how environment variables are written
ENV_WRITES = {"setdefault", "update", "pop", "putenv", "__setitem__", "clear"}


def _environment_writes(path: Path) -> list[str]:
    """Where ``path`` writes the process environment (``os.environ[...] = ``,
    ``os.environ.setdefault/update/pop(...)``, ``os.putenv``, ``del os.environ[...]``)."""

    def is_environ(node: ast.expr) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
            isinstance(node, ast.Name) and node.id == "environ"
        )

    found = []
    for node in ast.walk(_tree(path)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Subscript) and is_environ(t.value) for t in targets):
            found.append(f"{_where(path)}:{node.lineno}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            if (is_environ(func.value) and func.attr in ENV_WRITES) or func.attr == "putenv":
                found.append(f"{_where(path)}:{node.lineno}")
    return found


def test_no_configuration_travels_through_environment_variables() -> None:
    """The command line hands its Settings to the web app (``serve`` calls ``create_app``):
    neither entry point writes the process environment for another part to read."""
    wrong = [w for p in _in("web", "cli") for w in _environment_writes(p)]
    assert not wrong, "\n".join(wrong)


#: settings read from the environment outside ``config.Settings``: the browser's path is
#: looked up where a page is printed, like a program on ``PATH``
ENV_READS_ALLOWED = {"render/png.py": {"JOURNEYSCOPE_CHROMIUM"}}


def _settings_read_from_environment(path: Path) -> set[str]:
    """The ``JOURNEYSCOPE_*`` variables ``path`` reads from the process environment itself
    (``os.environ.get``/``os.getenv``/``os.environ[...]``, or a command option's ``envvar``)."""

    def named(node: ast.expr | None) -> str | None:
        ok = isinstance(node, ast.Constant) and isinstance(node.value, str)
        value = node.value if ok else ""  # type: ignore[union-attr]
        return value if value.startswith("JOURNEYSCOPE_") else None

    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        found: list[str | None] = []
        call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if call and node.func.attr in {"get", "getenv", "pop"} and node.args:  # type: ignore[attr-defined]
            found.append(named(node.args[0]))  # type: ignore[attr-defined]
        if isinstance(node, ast.Subscript):
            found.append(named(node.slice))
        if isinstance(node, ast.keyword) and node.arg == "envvar":
            found.append(named(node.value))
        names |= {n for n in found if n}
    return names


def test_settings_are_read_from_the_environment_by_settings_only() -> None:
    """Every setting (the engine's failpoint and the service's limits included) is a field of
    ``Settings``, injected from the entry points; no other module reads a ``JOURNEYSCOPE_*``
    variable on its own."""
    wrong = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel == "config.py":
            continue
        names = _settings_read_from_environment(path) - ENV_READS_ALLOWED.get(rel, set())
        if names:
            wrong[rel] = sorted(names)
    assert not wrong, wrong


def test_the_settings_reader_finds_every_kind_of_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import os\nos.environ.get('JOURNEYSCOPE_FAILPOINT', '')\nos.getenv('JOURNEYSCOPE_A')\n"
        "os.environ['JOURNEYSCOPE_B']\nf(envvar='JOURNEYSCOPE_C')\nos.environ.get('HOME')\n"
        "help = 'default: JOURNEYSCOPE_D'\n"
    )
    assert _settings_read_from_environment(bad) == {
        "JOURNEYSCOPE_FAILPOINT",
        "JOURNEYSCOPE_A",
        "JOURNEYSCOPE_B",
        "JOURNEYSCOPE_C",
    }


def test_the_environment_checker_finds_every_kind_of_write(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import os\nfrom os import environ\n"
        "os.environ['A'] = '1'\nos.environ.setdefault('B', '2')\nos.putenv('C', '3')\n"
        "environ.update(D='4')\ndel os.environ['A']\nx = os.environ.get('E')\n"
    )
    assert sorted(int(w.rsplit(":", 1)[1]) for w in _environment_writes(bad)) == [3, 4, 5, 6, 7]


def _classes(path: Path) -> set[str]:
    return {n.name for n in ast.walk(_tree(path)) if isinstance(n, ast.ClassDef)}


# One name per concept (docs/architecture.md): the designed journey is Journey / Step; the
# engine runs OrchestratedJourney / OrchestratedStep; the generator ScenarioJourney /
# ScenarioStep.
CONCEPT_HOMES = {
    "Journey": "definitions/models.py",
    "Step": "definitions/models.py",
    "OrchestratedJourney": "engine/core/journeys.py",
    "OrchestratedStep": "engine/core/journeys.py",
    "ScenarioJourney": "synthetic.py",
    "ScenarioStep": "synthetic.py",
}
# a second class of the same name, with the work that removes it (the list only shrinks)
KNOWN_NAMES: set[tuple[str, str]] = set()


def test_one_class_per_concept_name() -> None:
    """``Journey`` and ``Step`` are the designed journey only; the orchestrated and the
    simulated ones have their own names, each defined once, where the docs say; and no
    analytics module names an *engine* (where analyses execute is the analytics backend)."""
    homes: dict[str, set[str]] = {name: set() for name in CONCEPT_HOMES}
    engines = []
    for p in _modules():
        for name in _classes(p):
            if name in homes:
                homes[name].add(_where(p))
            if _layer(_module_name(p)) == "analytics" and "engine" in name.lower():
                engines.append(f"{_where(p)}: {name}")
    found = {(name, where) for name, places in homes.items() for where in places}
    expected = set(CONCEPT_HOMES.items())
    assert found - expected - KNOWN_NAMES == set(), sorted(found - expected - KNOWN_NAMES)
    assert expected <= found, f"moved: update CONCEPT_HOMES {sorted(expected - found)}"
    assert found >= KNOWN_NAMES, f"fixed, remove from KNOWN_NAMES: {sorted(KNOWN_NAMES - found)}"
    assert not engines, engines


def _reads_a_duration_itself(path: Path) -> list[str]:
    """The functions of ``path`` named like a duration parser (``parse_duration``...) that do
    not hand the text to :mod:`journeyscope.durations`."""
    wrong = []
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.FunctionDef) or not (
            "duration" in node.name and "parse" in node.name
        ):
            continue
        uses = {
            n.value.id
            for n in ast.walk(node)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
        }
        if "durations" not in uses:
            wrong.append(f"{_where(path)}: {node.name}")
    return wrong


def test_one_duration_grammar() -> None:
    """A written duration is read by ``durations.py`` wherever it is written: every
    ``parse_duration`` (an analysis option, a designed journey, an orchestrated journey)
    calls it, and turns only its error into its own kind."""
    parsers = [
        p
        for p in _modules()
        if p.name != "durations.py"
        and any(
            isinstance(n, ast.FunctionDef) and n.name == "parse_duration"
            for n in ast.walk(_tree(p))
        )
    ]
    assert {_where(p) for p in parsers} >= {
        "analytics/cases.py",
        "definitions/models.py",
        "engine/core/localtime.py",
    }
    wrong = [w for p in _modules() if p.name != "durations.py" for w in _reads_a_duration_itself(p)]
    assert not wrong, "\n".join(wrong)


def test_the_duration_checker_finds_a_parser_of_its_own(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import re\nfrom journeyscope import durations\n"
        "def parse_duration(t):\n    return re.match(r'(\\d+)d', t)\n"
        "def parse_duration_ok(t):\n    return durations.parse(t)\n"
    )
    assert [w.rsplit(": ", 1)[1] for w in _reads_a_duration_itself(bad)] == ["parse_duration"]


def test_one_keyed_hash_for_customer_identifiers() -> None:
    """A customer id's pseudonymisation is ``pseudonyms.py``'s at ingest and at the engine's
    API alike: no other module computes an HMAC, and both ingest (``events/pii.py``) and
    the API's engine routes use that module."""
    hmac_users = {_where(p) for p in _modules() if "hmac" in _imports(p)}
    assert hmac_users == {"pseudonyms.py"}, sorted(hmac_users)
    for where in ("events/pii.py", "web/routes/engine.py"):
        assert "journeyscope.pseudonyms" in _imports(SRC / where), where


def test_one_way_to_suggest_the_closest_names() -> None:
    """Every "did you mean" hint comes from ``errors.closest`` (case-insensitive, names
    that contain the typed one included): no other module matches names with difflib itself
    (``design_diff.py`` uses difflib for line diffs, not for names), except ``lazy.py``, the
    root package's attribute hook, which lies below ``errors.py`` in the layers."""
    users = {
        _where(p)
        for p in _modules()
        if any(
            isinstance(n, ast.Attribute | ast.Name | ast.alias)
            and "get_close_matches"
            in {getattr(n, "attr", None), getattr(n, "id", None), getattr(n, "name", None)}
            for n in ast.walk(_tree(p))
        )
    }
    assert users == {"errors.py", "lazy.py"}, sorted(users)


def _global_clients(path: Path) -> list[str]:
    """Where ``path`` builds an HTTP client (``Client(...)`` / ``AsyncClient(...)``) outside
    any function or class: at import time."""
    return [
        f"{_where(path)}:{node.lineno}"
        for statement in _tree(path).body
        if not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for node in ast.walk(statement)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
        in {"Client", "AsyncClient"}
    ]


def test_http_clients_belong_to_the_delivery_runtime() -> None:
    """Calling an interaction is the runtime's ``engine/interactions.py``: the only engine
    module that imports httpx; and no module builds an HTTP client at import time (a
    module-global pool is never closed: each worker's dispatcher owns and closes its own)."""
    engine_http = {
        _where(p) for p in _in("engine") if "httpx" in {n.split(".")[0] for n in _imports(p)}
    }
    assert engine_http == {"engine/interactions.py"}, sorted(engine_http)
    global_clients = [w for p in _modules() for w in _global_clients(p)]
    assert not global_clients, global_clients


def test_the_settings_and_client_checkers_find_what_they_look_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import httpx\nfrom httpx import Client\nPOOL = httpx.Client()\nOTHER = Client()\n"
        "def route():\n    settings = config.Settings()\n    return httpx.Client()\n"
        "class Holder:\n    client = httpx.AsyncClient()\n"
    )
    assert _settings_built(bad) == {("bad.py", "route")}
    assert _global_clients(bad) == ["bad.py:3", "bad.py:4"]


#: The most lines a module of the package may have; generated data is named here.
MAX_LINES = 600
GENERATED = {"render/_fontdata.py"}  # the report font's glyph outlines, generated


def test_no_module_is_over_600_lines() -> None:
    """A module over 600 lines does more than one thing: split it by what its parts are."""
    lengths = {_where(p): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules()}
    long = {where: n for where, n in lengths.items() if n > MAX_LINES and where not in GENERATED}
    assert not long, f"modules over {MAX_LINES} lines: {long}"
    assert set(lengths) >= GENERATED, f"generated data moved: update GENERATED {GENERATED}"


TESTS = SRC.parents[1] / "tests"


def _untested(src: Path, tests: Path) -> list[str]:
    """The modules under ``src`` with no test file of their name: ``a/b/_c.py`` is mirrored by
    a ``test_c.py`` anywhere under ``tests/a/``; a module of the root, by ``tests/test_c.py``.
    Package files, ``__main__`` and generated data have none."""
    missing = []
    for path in sorted(src.rglob("*.py")):
        where = path.relative_to(src)
        name = path.stem.lstrip("_")
        if path.name in {"__init__.py", "__main__.py"} or where.as_posix() in GENERATED:
            continue
        nested = len(where.parts) > 1
        found = (
            (tests / where.parts[0]).rglob(f"test_{name}.py")
            if nested
            else tests.glob(f"test_{name}.py")
        )
        if next(iter(found), None) is None:
            missing.append(where.as_posix())
    return missing


def test_each_module_has_a_test_file_of_its_name() -> None:
    """A reader looking for a module's tests finds them by its name, in its layer's folder."""
    missing = _untested(SRC, TESTS)
    assert not missing, f"modules without tests/<layer>/**/test_<name>.py: {missing}"


def test_the_mirror_checker_finds_a_module_without_tests(tmp_path: Path) -> None:
    src, tests = tmp_path / "src", tmp_path / "tests"
    for module in ["a/b/_c.py", "a/d.py", "e.py", "f.py", "a/__init__.py"]:
        (src / module).parent.mkdir(parents=True, exist_ok=True)
        (src / module).write_text("")
    for test in ["a/x/test_c.py", "test_e.py", "other/test_d.py", "a/test_f.py"]:
        (tests / test).parent.mkdir(parents=True, exist_ok=True)
        (tests / test).write_text("")
    assert _untested(src, tests) == ["a/d.py", "f.py"]
