"""``python -m cerebras.cloud.sdk`` runs the ``cerebras`` command line (see ``--help``)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
