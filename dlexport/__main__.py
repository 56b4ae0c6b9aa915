"""Let `python -m dlexport` run the command line."""

import os
import sys

from dlexport.cli import main

code = main()
try:
    sys.stdout.flush()
    sys.stderr.flush()
except OSError:  # a closed pipe (`… | head`): the interpreter's own exit would say so and return 120
    code = code or 120
# Every output is written and closed by now: end without freeing the build's objects one by one, which
# the interpreter's own exit does (seconds after a 1,000-term build, for nothing).
os._exit(code)
