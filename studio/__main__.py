"""`python -m studio` is `lg-studio`."""

from studio.cli import main

raise SystemExit(main())
