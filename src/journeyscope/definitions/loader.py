"""Read journey definitions from YAML and check that their parts fit together.

Two layers of checks, both reported as ``file:line: field: problem (how to fix it)``:

1. **shape** (pydantic): malformed YAML, a key given twice, unknown fields, wrong types,
   missing required fields, ids that are not ``lower_case``, durations that do not parse;
2. **structure** (:func:`check_journey`): duplicate ids, transitions, entries, exits, the
   outcome or variants naming steps that do not exist, an activity claimed by two steps,
   ``anytime`` steps used in the flow, and cycles of transitions not marked ``loop``.

Every problem found is reported at once, never as a traceback.

>>> j = parse_journey('''
... id: demo
... name: Demo
... job_to_be_done: get it done
... outcome: {description: done, step: b}
... stages:
...   - id: s
...     name: S
...     steps:
...       - {id: a, name: A, activities: [A]}
...       - {id: b, name: B, activities: [B]}
... transitions:
...   - {from: a, to: c}
... ''', source="demo.yaml")
Traceback (most recent call last):
...
journeyscope.errors.DefinitionError: demo.yaml:13: transitions.0.to: no step 'c' ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from journeyscope.definitions.graph import find_cycle
from journeyscope.definitions.models import Journey
from journeyscope.errors import DefinitionError, closest
from journeyscope.yamlfile import YamlDocument, parse_yaml, read_yaml, validate_document

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class Problem:
    """One structural problem: where (a path of YAML keys and list indexes) and what."""

    loc: Loc
    message: str
    code: str = "invalid"
    """Short name of the kind of problem (``duplicate-id``, ``unknown-step``, ``cycle``...)."""

    @property
    def field(self) -> str:
        return ".".join(str(p) for p in self.loc) or "(top level)"


def load_journey(path: str | Path, *, check: bool = True) -> Journey:
    """Read a journey definition file.

    ``check=False`` checks only the shape (for :func:`~journeyscope.definitions.lint.lint`,
    which reports structural problems as findings instead of raising).

    Raises
    ------
    DefinitionError
        Every problem found, one per line, as ``file:line: field: problem``.
    """
    doc = read_yaml(Path(path), DefinitionError)
    return _load(doc, check=check)


def parse_journey(text: str, source: str = "<journey>", *, check: bool = True) -> Journey:
    """Parse a journey definition from YAML text; errors name ``source`` as the file."""
    return _load(parse_yaml(text, source, DefinitionError), check=check)


def load_document(path: str | Path) -> tuple[Journey, YamlDocument]:
    """The journey (shape checked only) and its parsed document, to locate later findings."""
    doc = read_yaml(Path(path), DefinitionError)
    return validate_document(doc, Journey, DefinitionError), doc


def _load(doc: YamlDocument, *, check: bool) -> Journey:
    journey = validate_document(doc, Journey, DefinitionError)
    if check:
        validate_journey(journey, doc)
    return journey


def validate_journey(journey: Journey, doc: YamlDocument | None = None) -> Journey:
    """Raise :class:`DefinitionError` listing every structural problem; return the journey.

    With ``doc`` (the parsed file) each problem names its line.
    """
    problems = check_journey(journey)
    if problems:
        raise DefinitionError("\n".join(describe(p, doc, journey) for p in problems))
    return journey


def describe(problem: Problem, doc: YamlDocument | None, journey: Journey) -> str:
    """``file:line: field: message`` (or ``journey 'id': field: message`` without a file)."""
    where = doc.where(problem.loc) if doc is not None else f"journey {journey.id!r}"
    return f"{where}: {problem.field}: {problem.message}"


def _guess(name: str, known: Iterable[str]) -> str:
    known = list(known)
    close = closest(name, known, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f" (steps: {shown})"


def _stories(journey: Journey, ref: Callable[..., None]) -> list[Problem]:
    """Story ids unique, each under a known step and written for a known persona."""
    problems = _unique(journey.stories, "stories", "story")
    personas = {p.id: ("personas", i) for i, p in enumerate(journey.personas)}
    for i, story in enumerate(journey.stories):
        ref(("stories", i, "step"), story.step, "a story's step", flow=False)
        if story.persona is not None and story.persona not in personas:
            problems.append(
                Problem(
                    ("stories", i, "persona"),
                    f"no persona {story.persona!r}{_guess(story.persona, personas)}",
                    "unknown-persona",
                )
            )
    return problems


def check_journey(journey: Journey) -> list[Problem]:
    """Structural problems of a journey whose fields have the right shape; [] when none."""
    problems: list[Problem] = []
    step_locs: dict[str, Loc] = {}
    anytime: set[str] = set()
    stage_ids: dict[str, Loc] = {}
    for i, stage in enumerate(journey.stages):
        if stage.id in stage_ids:
            problems.append(
                Problem(
                    ("stages", i, "id"),
                    code="duplicate-id",
                    message=f"stage id {stage.id!r} is used twice (also by stages.{stage_ids[stage.id][1]}); "
                    "give each stage its own id",
                )
            )
        stage_ids.setdefault(stage.id, ("stages", i))
        for k, step in enumerate(stage.steps):
            loc: Loc = ("stages", i, "steps", k)
            if step.id in step_locs:
                first = ".".join(str(p) for p in step_locs[step.id])
                problems.append(
                    Problem(
                        (*loc, "id"),
                        code="duplicate-id",
                        message=f"step id {step.id!r} is used twice (first by {first}); "
                        "step ids must be unique in the journey: rename one of them",
                    )
                )
                continue
            step_locs[step.id] = loc
            if step.anytime:
                anytime.add(step.id)
    problems += _unique(journey.personas, "personas", "persona")
    problems += _unique(journey.variants, "variants", "variant")
    problems += _claims(journey, step_locs)

    def ref(loc: Loc, step_id: str, role: str, *, flow: bool = True) -> None:
        if step_id not in step_locs:
            problems.append(
                Problem(loc, f"no step {step_id!r}{_guess(step_id, step_locs)}", "unknown-step")
            )
        elif flow and step_id in anytime:
            problems.append(
                Problem(
                    loc,
                    f"step {step_id!r} is 'anytime', so it cannot be {role}; "
                    "remove it here or set 'anytime: false' on the step",
                    "anytime-in-flow",
                )
            )

    for i, t in enumerate(journey.transitions):
        ref(("transitions", i, "from"), t.source, "the start of a transition")
        ref(("transitions", i, "to"), t.target, "the end of a transition")
    for i, e in enumerate(journey.entries):
        ref(("entries", i), e, "an entry")
    for i, e in enumerate(journey.exits):
        ref(("exits", i), e, "an exit")
    problems += _stories(journey, ref)
    if journey.outcome.step is not None:
        ref(("outcome", "step"), journey.outcome.step, "the outcome")
    if journey.outcome.step is None and not journey.outcome.activities:
        problems.append(
            Problem(
                ("outcome",),
                "the outcome names no goal: add 'step: <step id>' or 'activities: [...]' "
                "(the activities that mean the customer got what they came for)",
                "no-outcome",
            )
        )
    persona_ids = {p.id for p in journey.personas}
    for i, variant in enumerate(journey.variants):
        for step_id in variant.steps:
            ref(("variants", i, "steps", step_id), step_id, "overridden", flow=False)
        for k, persona in enumerate(variant.when.personas):
            if persona not in persona_ids:
                problems.append(
                    Problem(
                        ("variants", i, "when", "personas", k),
                        f"no persona {persona!r}; personas: {', '.join(sorted(persona_ids)) or 'none'}",
                        "unknown-persona",
                    )
                )
    if not problems:
        problems += _cycles(journey)
        for i, variant in enumerate(journey.variants):
            resolved = journey.variant(variant.id)
            for p in _claims(resolved, step_locs):
                problems.append(
                    Problem(
                        ("variants", i, "steps"),
                        f"in variant {variant.id!r}: {p.message}",
                        p.code,
                    )
                )
    return problems


def _unique(items: Sequence[object], key: str, what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        ident = str(getattr(item, "id", ""))
        if ident in seen:
            problems.append(
                Problem(
                    (key, i, "id"),
                    f"{what} id {ident!r} is used twice (also by {key}.{seen[ident]}); "
                    f"give each {what} its own id",
                    "duplicate-id",
                )
            )
        seen.setdefault(ident, i)
    return problems


def _claims(journey: Journey, step_locs: dict[str, Loc]) -> list[Problem]:
    claimed: dict[str, str] = {}
    problems = []
    for step in journey.steps:
        for k, activity in enumerate(step.activities):
            owner = claimed.setdefault(activity, step.id)
            if owner != step.id:
                problems.append(
                    Problem(
                        (*step_locs.get(step.id, ()), "activities", k),
                        f"activity {activity!r} is claimed by steps {owner!r} and {step.id!r}; "
                        "an activity must mean one step: keep it in one of them",
                        "ambiguous-activity",
                    )
                )
    return problems


def _cycles(journey: Journey) -> list[Problem]:
    cycle = find_cycle(journey)
    if cycle is None:
        return []
    back_from, back_to = cycle[-2], cycle[-1]
    index = next(
        (
            i
            for i, t in enumerate(journey.transitions)
            if t.source == back_from and t.target == back_to and not t.loop
        ),
        None,
    )
    loc: Loc = ("transitions", index) if index is not None else ("transitions",)
    return [
        Problem(
            loc,
            f"transitions form a cycle {' -> '.join(cycle)} and none of them is marked as a "
            f"loop; if customers may go back on purpose, add 'loop: true' to the transition "
            f"{back_from} -> {back_to}, otherwise remove it",
            "cycle",
        )
    ]
