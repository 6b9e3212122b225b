"""Entry point: ``python app.py`` (development server) or ``gunicorn app:app`` (production).

``app`` is created at import, so gunicorn serves the same object a developer runs. Debug mode
(the Werkzeug debugger executes code from the browser) only with TILANNEKUVA_DEBUG=1.
"""
from __future__ import annotations

import logging
import os

from dashboard import create_app

logging.basicConfig(level=os.environ.get("LOGLEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")

app = create_app()
server = app.server

if __name__ == "__main__":
    debug = os.environ.get("TILANNEKUVA_DEBUG") == "1"
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=debug,
        dev_tools_ui=debug,
        dev_tools_props_check=debug,
        dev_tools_hot_reload=False,
    )
