"""The bundle's entry point: PyInstaller freezes a script, not a console-script entry."""

from studio.cli import main

raise SystemExit(main())
