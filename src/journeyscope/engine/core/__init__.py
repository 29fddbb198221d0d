"""The engine's deterministic core: the pure transition and everything it needs.

``rules`` (with ``commands``, ``sending`` and ``journey_pause``) is the transition
``Rules(program, knowledge)(state, input, now) -> (state, actions)``; ``journeys``,
``interactions``, ``policy`` and ``program`` are what a deployed program is; ``conditions``,
``decisions``, ``holdouts``, ``localtime``, ``state`` and ``actions`` are their parts. Nothing
here touches a database, a network, a thread or the wall clock, and nothing here imports the
runtime around it (``journeyscope.engine``: store, worker, outbox, leases, delivery);
``tests/test_architecture.py`` checks it.
"""
