"""Runs moto's server in this process and exits as soon as stdin closes.

The Rust side (tests/src/moto/server.rs) passes this file to `python -c` with
moto's own arguments and keeps the write end of our stdin. When that process
exits for any reason -- even one that never runs destructors, such as a test
binary whose `static` server is never dropped -- the kernel closes the pipe,
the read below returns EOF, and the whole server goes with us.
"""

import os
import sys
import threading


def _exit_when_stdin_closes() -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()

from moto.server import main  # noqa: E402  (import after the watchdog starts)

main(sys.argv[1:])
