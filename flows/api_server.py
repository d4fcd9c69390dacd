"""The Prefect API a CLI run reports to: the configured one, or Prefect's temporary server started early.

Without PREFECT_API_URL, Prefect starts a temporary API server on the first flow run: it imports the
whole server application into the calling process (~2.5 s of CPU on a 2-core machine), only then
launches the server process, and waits ~3 s more for it to answer. zhnews launches the same server
process (Prefect's own command and settings: uvicorn on `prefect.server.api.server:create_app`, UI
off) as soon as a run has its data dir, before it imports Prefect and the pipeline, so the server's
start-up overlaps that work on another core; the run then points Prefect's settings at it, and the server
is stopped when the process exits (as Prefect stops its own). If the server dies mid-run, the run
ends at once with that reason (like a crash: committed batches stay, the batch in progress rolls
back) instead of retrying Prefect calls for minutes. With PREFECT_API_URL set (a Prefect server
you run), nothing is started.

The server runs in a session of its own (a terminal's Ctrl-C reaches the run, which ends cleanly,
not the server mid-run), with `python -P` (the run's working directory is not on its sys.path), and
it ends with the run even when the run is killed with SIGKILL (Linux's parent-death signal).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO

import httpx

HEALTH_POLL_SECONDS = 0.05
WATCH_SECONDS = 0.5
STARTUP_FAILURE = 3  # uvicorn's exit code when the server cannot start, e.g. its port was taken meanwhile
LAUNCH_ATTEMPTS = 3  # how often the server's process is checked during a run
# what Prefect sets for its temporary server: no UI, no background services, one app per process;
# and no block types registered at start-up (a run uses no blocks): deciding whether they changed
# imports every installed Prefect collection first (prefect-dask, hence dask.distributed), 0.5 s
# of the server's ~3.4 s of CPU before it answers
_SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
    "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
}


class ServerDidNotStart(RuntimeError):
    """Prefect's temporary server exited (with `exit_code`) or did not answer in time (`exit_code` None)."""

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.exit_code = exit_code


@contextlib.contextmanager
def prefect_api(on_lost: Callable[[int | None], None]) -> Iterator[Callable[[], AbstractContextManager[None]]]:
    """Within: a Prefect API for this process's flow runs (and its worker processes).

    Unless the environment names a Prefect server (PREFECT_API_URL), Prefect's temporary server is
    launched on entry, before Prefect is even imported, so that it boots while this process imports
    Prefect and the pipeline. Yields `ready`, to run the flow in (`with ready(): flow(...)`): it
    waits for that server to answer, then points Prefect's settings in every thread of this process
    (and the environment its workers inherit) at it, and within it flow runs send no heartbeats
    (they tell a lasting server that a run crashed; this server ends with the process, and the
    heartbeat thread made every run wait up to 1 s at its end). With PREFECT_API_URL configured (in
    the environment or a Prefect profile), or Prefect's temporary server switched off, `ready()`
    changes nothing and Prefect behaves as configured. Should the server die before this process exits, `on_lost(its
    exit code)` is called at once (from a watcher thread): every later Prefect call would retry for
    minutes against a dead server, so the caller ends the run there, as a crash the next run
    recovers from.
    """
    # The server reads the same environment and Prefect profile as this process, so it gets the
    # same settings without this process importing Prefect first.
    env = {**os.environ, **_SERVER_ENV}
    site_packages = Path(importlib.util.find_spec("prefect").origin).parents[1]

    def launch() -> tuple[subprocess.Popen, int, HeldOutput]:
        port = _free_port()
        server = subprocess.Popen(
            _server_command(site_packages, port),
            env=env,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            # its own session: a terminal's Ctrl-C (SIGINT to the foreground process group) reaches the
            # run, which ends cleanly and then stops the server, instead of killing the server mid-run
            start_new_session=True,
        )
        # stopped at exit, as Prefect stops its own: after Prefect has sent its last logs and events
        atexit.register(_stop, server)
        return server, port, HeldOutput(server.stderr)

    launched = None if os.environ.get("PREFECT_API_URL") else launch()

    from prefect.context import refresh_global_settings_context
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_EPHEMERAL_ENABLED,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    if launched is None or PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        if launched is not None:  # a Prefect profile configures the API: the server is not needed
            _stop(launched[0])
        yield contextlib.nullcontext
        return
    server, port, output = launched
    exiting = threading.Event()
    atexit.register(exiting.set)  # runs before the stops (exit handlers run last registered first)

    @contextlib.contextmanager
    def ready() -> Iterator[None]:
        nonlocal server, port, output
        timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        for attempt in range(1, LAUNCH_ATTEMPTS + 1):
            try:
                _wait_until_healthy(server, _api_url(port), timeout)
                break
            except ServerDidNotStart as exc:
                # another program took the port between our pick and the server's bind: pick again
                port_taken = exc.exit_code == STARTUP_FAILURE and not _port_is_free(port)
                if not port_taken or attempt == LAUNCH_ATTEMPTS:
                    output.release()  # what the server said is the reason: show it
                    raise
                server, port, output = launch()  # the failed attempt's output stays unsaid
        output.release()
        api_url = _api_url(port)
        # workers inherit the environment; plain HTTP on this machine needs no TLS set-up
        os.environ["PREFECT_API_URL"] = api_url
        os.environ.setdefault("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "true")
        # Prefect read its settings at import: every thread (events and log workers too) must see the
        # server, or one of them would start a temporary server of its own
        refresh_global_settings_context()
        threading.Thread(
            target=_watch, args=(server, exiting, on_lost), name="prefect-server-watch", daemon=True
        ).start()
        with temporary_settings(updates={"flows.heartbeat_frequency": None}):
            yield

    yield ready


class HeldOutput:
    """A server's stderr, held back until `release()` (then written to this process's stderr, as
    is every later line), so that a start-up attempt that failed and was retried prints nothing."""

    def __init__(self, stream: IO[str]):
        self._held: list[str] = []
        self._released = False
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, args=(stream,), name="prefect-server-stderr", daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._lock:
                if self._released:
                    sys.stderr.write(line)
                else:
                    self._held.append(line)

    def release(self) -> None:
        with self._lock:
            sys.stderr.writelines(self._held)
            self._held.clear()
            self._released = True


def _watch(server: subprocess.Popen, exiting: threading.Event, on_lost: Callable[[int | None], None]) -> None:
    """Call `on_lost` if the server process ends before this process starts exiting."""
    while server.poll() is None:
        if exiting.wait(WATCH_SECONDS):
            return
    if not exiting.is_set():
        on_lost(server.returncode)


# The server's Python: ends with the run that launched it (even a run killed with SIGKILL, which runs
# no exit handler), then uvicorn as `python -m uvicorn` would run it.
_SERVER_BOOT = (
    "import ctypes, os, runpy, signal, sys; "
    "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM) if sys.platform == 'linux' else None; "
    "os.getppid() == int(sys.argv.pop(1)) or sys.exit(1); "
    "runpy.run_module('uvicorn', run_name='__main__', alter_sys=True)"
)


def _server_command(site_packages: Path, port: int) -> list[str]:
    """The command Prefect's own temporary server runs (`SubprocessASGIServer`), without the UI.

    `-P`: the working directory is not put on the server's sys.path, so a run started from a folder
    holding, say, an `inspect.py` does not import it in place of the standard library's.
    """
    return [
        sys.executable,
        "-P",
        "-c",
        _SERVER_BOOT,
        str(os.getpid()),
        "--app-dir",
        str(site_packages),
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]


def _api_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/api"


def _port_is_free(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(server: subprocess.Popen, api_url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise ServerDidNotStart(
                    f"Prefect's temporary server exited with code {server.returncode}", server.returncode
                )
            with contextlib.suppress(httpx.TransportError):
                if client.get(f"{api_url}/health", timeout=2).status_code == 200:
                    return
            time.sleep(HEALTH_POLL_SECONDS)
    raise ServerDidNotStart(
        f"Prefect's temporary server did not answer within {timeout:.0f} s"
        " (set PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or run `prefect server start` and set PREFECT_API_URL)"
    )


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
