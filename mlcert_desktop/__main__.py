"""Entry point for `python -m mlcert_desktop`."""

from mlcert_desktop.app import main

raise SystemExit(main())
