"""`python -m app`: the station's command line (the GUI by default)."""

from app.cli import main

raise SystemExit(main())
