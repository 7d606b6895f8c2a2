"""``python -m musiccog`` runs the CLI."""

import sys

from musiccog.cli import main

sys.exit(main())
