"""`engage serve`: the WSGI app under gunicorn, ready for production behind a proxy."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from engage.config import Settings


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings, options: dict):
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        from engage import create_app

        return create_app(self._settings)


def serve(settings: Settings, *, host: str, port: int, workers: int, with_scheduler: bool) -> None:
    options = {"bind": f"{host}:{port}", "workers": workers, "accesslog": None, "errorlog": "-"}
    if with_scheduler:
        # The clock runs once, in the arbiter, not once per worker.
        from engage.scheduling.clock import start_clock

        options["when_ready"] = lambda _server: start_clock(settings)
    _Gunicorn(settings, options).run()
