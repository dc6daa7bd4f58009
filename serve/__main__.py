"""python -m serve [serve.bundle=PATH] [serve.port=8000] [serve.device=auto] ...

Serves ``models:/<registry.model_name>@champion`` (or a bundle folder) with uvicorn.
On SIGTERM (or Ctrl-C) ``/readyz`` answers 503 at once; after ``serve.drain_s`` seconds the
server stops accepting connections, lets in-flight requests finish (at most
``serve.graceful_timeout_s``) and the process exits 0. Exit status 3: the app could not
start (a bad configuration, reported before any model is loaded).
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import hydra
from omegaconf import DictConfig

from nerkit.exitcodes import ExitCode
from nerkit.settings import typed
from serve.settings import ServeStageSettings, Settings, store_schema

store_schema()

log = logging.getLogger("serve")
EXIT_STARTUP_FAILED = ExitCode.NOT_STARTED


def make_server(app: Any, host: str, port: int, drain_s: float, graceful_s: float) -> Any:
    """A uvicorn server whose exit signal first turns readiness off (and drains)."""
    import uvicorn

    service = app.state.service

    class DrainingServer(uvicorn.Server):
        _drain_timer: threading.Timer | None = None

        def handle_exit(self, sig: int, frame: Any) -> None:
            service.begin_drain()
            if drain_s > 0 and self._drain_timer is None and not self.should_exit:
                log.info("stopping in %.1f s (serve.drain_s)", drain_s)
                self._drain_timer = threading.Timer(drain_s, self._stop, (sig, frame))
                self._drain_timer.daemon = True
                self._drain_timer.start()
                return
            self._stop(sig, frame)

        def _stop(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            # Uvicorn raises the signal again once it has shut down, so the process would
            # die "killed by SIGTERM"; a graceful stop on request is a success here (exit 0).
            captured = getattr(self, "_captured_signals", None)
            if isinstance(captured, list):
                captured[:] = [s for s in captured if s not in (signal.SIGTERM, signal.SIGINT)]

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # keep Hydra's logging
        lifespan="on",
        timeout_graceful_shutdown=max(1, round(graceful_s)) if graceful_s > 0 else None,
        server_header=False,
    )
    return DrainingServer(config)


def run(cfg: DictConfig) -> dict[str, Any]:
    """Serve until stopped; what happened, as a dict."""
    from serve.app import create_app

    stage = typed(cfg, ServeStageSettings)
    settings = Settings.from_config(stage)
    logging.getLogger("serve").setLevel(stage.serve.log_level.upper())
    app = create_app(settings)
    server = make_server(
        app, stage.serve.host, stage.serve.port, settings.drain_s, stage.serve.graceful_timeout_s
    )
    server.run()
    return {"started": bool(server.started)}


@hydra.main(version_base="1.3", config_path="../conf", config_name="serve")
def main(cfg: DictConfig) -> None:
    result = run(cfg)
    if not result["started"]:
        raise SystemExit(EXIT_STARTUP_FAILED)


if __name__ == "__main__":
    main()
