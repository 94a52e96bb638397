"""engage: patient engagement messaging for integrated behavioral health."""
from __future__ import annotations

from flask import Flask

from engage.config import Settings, load_settings
from engage.runtime import Runtime, build_runtime


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """The only way an app comes to life: configuration in, blueprints registered, nothing else."""
    import engage.models  # noqa: F401  (every mapper configured before the first request)
    from engage import web, workspace
    from engage.api import api_blueprint
    from engage.visit_page import bp as visit_page_blueprint
    from webhooks import twilio_blueprint

    if runtime is None:
        runtime = build_runtime((settings or load_settings()).validate())
    app = Flask(__name__)
    app.config.update(SECRET_KEY=runtime.settings.secret_key, JSON_SORT_KEYS=False)
    app.extensions["engage"] = runtime
    web.init_app(app)
    app.register_blueprint(api_blueprint)
    app.register_blueprint(twilio_blueprint)
    app.register_blueprint(visit_page_blueprint)
    workspace.init_app(app, runtime.settings)
    return app
