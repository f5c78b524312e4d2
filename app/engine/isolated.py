"""Parsing an uploaded diagram with the engine in a separate process, under a time limit.

SpiffWorkflow's parser can loop forever on some valid files (a data object declared two scopes
above the task that reads it), and no thread can be stopped from outside. So an upload is
parsed first by one long-lived worker process; if it has not answered within the limit, the
worker is killed (and started again for the next file) and the process owner is told which
construct to look at. Only a diagram the worker parsed is then parsed in the app's own process.
"""

from __future__ import annotations

import atexit
import os
import pickle
import re
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from app.engine.checks.problems import Problem
from app.engine.errors import InvalidDiagram, scrub

Request = tuple[bytes, str, str, bytes]  # xml, filename, process id, dmn
ROOT = Path(__file__).resolve().parents[2]


def plain_engine_message(exc: BaseException) -> str:
    """An unexpected engine error as a sentence: no object addresses, raw XML or class names."""
    text = scrub(" ".join(str(a) for a in exc.args) if exc.args else str(exc)).replace("%r", "").rstrip(".")
    text = re.sub(r"[(),']+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if isinstance(exc, NotImplementedError):
        return f"The diagram uses something the engine does not support ({text or 'unnamed'})"
    if isinstance(exc, KeyError | AttributeError | TypeError | AssertionError | IndexError | ValueError):
        return (
            "The engine could not read the diagram: an element is missing a name, id or reference "
            f"it needs ({text or exc.__class__.__name__})"
        )
    return f"The engine could not read the diagram ({text or exc.__class__.__name__})"


def _answer(request: Request) -> tuple[str, Any]:
    from app.engine.diagrams import parse_diagram  # in the worker only

    xml, filename, process_id, dmn = request
    try:
        parse_diagram(xml, filename, process_id, dmn=dmn)
    except InvalidDiagram as exc:
        return ("problems", exc.problems)
    except RecursionError:
        return ("crash", "The diagram nests its elements too deeply for the engine to read")
    except Exception as exc:  # the engine's own errors, of any class: said in words, never raised
        return ("crash", plain_engine_message(exc))
    return ("ok", None)


def _read_frame(stream: IO[bytes]) -> Any:
    header = stream.read(4)
    if len(header) < 4:
        raise EOFError
    body = stream.read(int.from_bytes(header, "big"))
    return pickle.loads(body)  # noqa: S301  # our own worker and parent, over their own pipe


def _write_frame(stream: IO[bytes], value: Any) -> None:
    body = pickle.dumps(value)
    stream.write(len(body).to_bytes(4, "big") + body)
    stream.flush()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that started it ends, however it ends (a
    worker spinning on a file must not outlive the app). Elsewhere the pipe closing stops it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent ended before the request above took effect
        os._exit(0)


def serve() -> None:
    """The worker's loop (`python -m app.engine.isolated`): a request on stdin, its answer on stdout."""
    _die_with_parent()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything the engine prints must not corrupt the answers
    while True:
        try:
            request = _read_frame(stdin)
        except EOFError:
            return
        _write_frame(stdout, _answer(request))


class ParseWorker:
    """One worker process, started on first use and again after it was killed. It is a fresh
    interpreter (never a fork of a threaded web process) running this module. Thread-safe: a
    request waits for the one before it (uploads are rare; parsing takes milliseconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._warm = False  # the worker has imported the engine and answered once

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self._process = subprocess.Popen(  # noqa: S603  # this interpreter, this module
            [sys.executable, "-m", "app.engine.isolated"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        self._warm = False
        return self._process

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
        self._process = None

    def parse(self, request: Request, seconds: float) -> tuple[str, Any]:
        """("ok", None), ("problems", [str]), ("crash", str) or ("timeout", seconds)."""
        with self._lock:
            process = self._process if self._process and self._process.poll() is None else None
            process = process or self._start()
            assert process.stdin is not None and process.stdout is not None
            try:
                _write_frame(process.stdin, request)
                # The first request also waits for a new worker to import the engine.
                ready, _, _ = select.select([process.stdout], [], [], seconds if self._warm else seconds + 20)
                if not ready:
                    self.stop()
                    return ("timeout", seconds)
                answer: tuple[str, Any] = _read_frame(process.stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                self.stop()
                return ("crash", "The engine stopped while reading the diagram")
            self._warm = True
            return answer


_worker = ParseWorker()
atexit.register(lambda: _worker.stop())


def parse_in_worker(
    xml: bytes, filename: str, process_id: str, dmn: bytes, seconds: float
) -> list[Problem] | list[str]:
    """[] if the engine parses the diagram within `seconds`; else the problems: strings from the
    product's parse (which name their element), or one Problem for a crash or a timeout."""
    kind, detail = _worker.parse((xml, filename, process_id, dmn), seconds)
    if kind == "ok":
        return []
    if kind == "problems":
        return list(detail)
    if kind == "timeout":
        return [
            Problem(
                f"Reading the diagram took longer than {detail:g} second{'s' * (detail != 1)}, so it was "
                "stopped. The engine "
                "cannot read a data object declared in a scope above the sub-process that uses it: "
                "declare each data object in the process or sub-process whose tasks read it.",
                "parse_timeout",
                filename,
            )
        ]
    return [Problem(str(detail), "engine_refused", filename)]


def stop_worker() -> None:
    """Stop the worker process (tests; the app's exit ends it with it, as a daemon)."""
    _worker.stop()


if __name__ == "__main__":
    serve()
