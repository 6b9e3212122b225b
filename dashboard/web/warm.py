"""Warm the per-process caches before serving: every page in every language, the area pages' stores
(with the whole-country map's, ~2 s each cold), the profile of every municipality and the charts they use.

gunicorn runs this in its master process (``preload_app``, ``when_ready`` in gunicorn.conf.py)
before it forks the workers, so each worker starts with the shaped data in memory (shared
copy-on-write) instead of computing it while its first users wait. The caches are keyed on the
data version, so a later refresh still invalidates them. Failures are logged, never raised: an
unreachable or empty database simply leaves the caches cold.

The stores of the comparisons formed per municipality (sub-region, similar municipalities) are not
warmed: each costs only 0.02-0.4 s cold, but there is one per area, language, comparison and
municipality; all of them would add some 45 s to a warm-up of ~10 s and fill the shared LRU
(queries.memo), pushing out what was warmed before them.
"""
from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)

LANGS = ("fi", "sv", "en")


def page_paths(registry) -> list[str]:
    return ["/", *[f"/{a.slug}" for a in registry.agreement.areas], "/kuntaprofiili", "/tietolahteet"]


def _callback(deps: list[dict], output: str) -> dict:
    return next(d for d in deps if output in d["output"] and not d.get("clientside_function"))


def _body(cb: dict, values: dict, changed: list[str]) -> dict:
    """The request dash-renderer posts for ``cb`` (values keyed "id.prop")."""
    def item(dep):
        key = f"{dep['id']}.{dep['property']}"
        return {"id": dep["id"], "property": dep["property"], **({"value": values[key]} if key in values else {})}

    output = cb["output"]
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = [{"id": p.rpartition(".")[0], "property": p.rpartition(".")[2]} for p in parts]
    return {"output": output, "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": [item(d) for d in cb["inputs"]], "state": [item(d) for d in cb.get("state", [])],
            "changedPropIds": changed}


def warm(dash_app) -> dict:
    """Render the pages and profiles through the app's own callback endpoint (as browsers ask), and
    fetch every area page's explorer store by its URL (a page carries only the URL), with the
    whole-country map's when that map can be drawn."""
    from dashboard.data.context import current_context
    from dashboard.deliver.explorer import store_url

    started = time.monotonic()
    done = {"pages": 0, "profiles": 0, "stores": 0, "country": 0, "errors": 0}
    server = dash_app.server
    client = server.test_client()
    try:
        deps = client.get("/_dash-dependencies").get_json()
        router = _callback(deps, "_pages_content.children")
        profile_cb = _callback(deps, "profile-content.children")

        def ask(cb, values, changed):
            return client.post("/_dash-update-component", json=_body(cb, values, changed)).status_code

        with server.app_context():
            ctx = current_context()
            registry = ctx.registry
            if not ctx.status().ready:
                return {**done, "skipped": "database not ready"}
            munis = registry.county.municipality_codes
            country = "country" in ctx.geo.modes()
        for lang in LANGS:
            search = "" if lang == "fi" else f"?kieli={lang}"
            for path in page_paths(registry):
                status = ask(router, {"_pages_location.pathname": path, "_pages_location.search": search},
                             ["_pages_location.pathname", "_pages_location.search"])
                done["pages" if status == 200 else "errors"] += 1
            with server.app_context():
                urls = [(store_url(ctx, a.key, lang, country=kind == "country"), kind)
                        for a in registry.agreement.areas for kind in ("stores", "country") if kind == "stores" or country]
            for url, kind in urls:
                done[kind if client.get(url).status_code == 200 else "errors"] += 1
            for code in munis:
                status = ask(profile_cb, {"profile-municipality.value": code,
                                          "page-meta.data": {"lang": lang, "page": "profile"}},
                             ["profile-municipality.value"])
                done["profiles" if status == 200 else "errors"] += 1
    except Exception:
        log.warning("cache warm-up failed", exc_info=True)
        done["errors"] += 1
    finally:
        release_connections(server)
    done["seconds"] = round(time.monotonic() - started, 1)
    return done


def release_connections(server) -> None:
    """Close what a warm-up opened in the master: connections must not be shared with forked workers."""
    from dashboard.data.context import current_context

    try:
        with server.app_context():
            current_context().engine.dispose()
    except Exception:
        log.warning("could not close the warm-up connections", exc_info=True)
