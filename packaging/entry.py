"""Entry script of the frozen bundle: the station's command line, or the self-test's Qt child.

`--self-test` re-runs this executable to check Qt in a child process (a Qt plugin
that cannot load aborts the process). The child is recognised by an environment
variable rather than an argument, so the public command line stays the root's (app/__main__.py).
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def main() -> int:
    multiprocessing.freeze_support()
    from app.selftest import CHILD_ENV

    if os.environ.get(CHILD_ENV):
        from app.selftest import child_main

        return child_main()
    from app.__main__ import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
