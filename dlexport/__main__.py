"""Let `python -m dlexport` run the command line."""

import sys

from dlexport.cli import main

sys.exit(main())
