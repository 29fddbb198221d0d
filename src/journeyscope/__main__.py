"""``python -m journeyscope``."""

from journeyscope.cli import main

main()
