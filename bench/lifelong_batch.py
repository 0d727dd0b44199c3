"""Run several `lifelong` commands in one process: `python -m bench.lifelong_batch` reads a JSON
list of argument lists on standard input and runs each as the console script would.

Each `lifelong` process spends seconds importing the site before it does anything; the tests and
benchmarks that prepare a live site (the database, a dozen accounts) pay that once this way.
A command that fails stops the batch with its exit code.
"""

from __future__ import annotations

import json
import sys

from webapp.cli import command_group


def main() -> int:
    """Run each argument list read from standard input; the first failure's exit code."""
    commands = json.load(sys.stdin)
    group = command_group()
    for args in commands:
        try:
            group.main(args=list(args), prog_name="lifelong", standalone_mode=False)
        except SystemExit as exit_:
            if exit_.code not in (None, 0):
                print(f"lifelong {' '.join(args)} exited with {exit_.code}", file=sys.stderr)
                return int(exit_.code) if isinstance(exit_.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
