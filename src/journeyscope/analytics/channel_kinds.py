"""Which channels are digital (self-service) and which assisted, recognised by their names.

The report chooses a channel analysis's digital and assisted channels with
:func:`channel_kinds` when the user names none.
"""

from __future__ import annotations

from typing import Final

#: Channels where the customer serves themselves.
_DIGITAL_NAMES: Final = frozenset(
    {"web", "app", "internet", "online", "website", "portal", "mobile", "self-service"}
)
#: Channels where a person serves the customer. E-mail, letters and visits are left out:
#: in most logs they carry the organisation's own messages and appointments, not requests
#: for help.
_ASSISTED_NAMES: Final = frozenset(
    {"phone", "branch", "chat", "desk", "counter", "video", "contact centre", "call centre"}
)


def channel_kinds(channels: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which of ``channels`` are digital (self-service) and which assisted, by their names.

    >>> channel_kinds(["web", "Internet", "Desk", "Post", "phone"])
    (('web', 'Internet'), ('Desk', 'phone'))
    """
    digital = tuple(c for c in channels if c.strip().lower() in _DIGITAL_NAMES)
    assisted = tuple(c for c in channels if c.strip().lower() in _ASSISTED_NAMES)
    return digital, assisted
