"""This process's "the jobs worker is stopping" flag: long jobs look at it between steps."""

from __future__ import annotations

import threading

# Set by Worker.stop(); cleared by Worker.start() (a process may start a worker again).
stopping = threading.Event()
