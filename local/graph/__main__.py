"""``python -m local.graph ARN -o FILE.html``."""

from local.graph.cli import main

raise SystemExit(main())
