"""Which heavy libraries a fresh Python process has loaded after running some code: the check
behind the lazy-import tests (command line, statistical analyses)."""

from __future__ import annotations

import json
import subprocess
import sys

_LOADED = """
import json, sys
{code}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def loaded_after(code: str, heavy: tuple[str, ...]) -> list[str]:
    """The names of ``heavy`` found in ``sys.modules`` after ``code`` ran in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _LOADED.format(code=code, heavy=heavy)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded
