"""Callback requests as the Dash renderer sends them, built from ``/_dash-dependencies`` and layouts.

Used by the load benchmark (realistic switches against gunicorn) and by the callback fuzz test
(tests/test_robustness_fuzz.py), so both post exactly the envelope the browser posts:
``output``, ``outputs``, ``inputs`` (id, property, value), ``changedPropIds`` and ``state``.
Pure functions over JSON; the caller supplies the transport (``post(path, body) -> (status, json)``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

UPDATE_PATH = "/_dash-update-component"
Post = Callable[[str, dict], tuple[int, Any]]


def parse_outputs(output: str) -> list[dict]:
    """``"..a.b...c.d@h.."`` or ``"a.b"`` -> ``[{"id": "a", "property": "b"}, …]``.

    The property keeps an ``@hash`` suffix (allow_duplicate outputs): the renderer sends it too.
    """
    text = output[2:-2] if output.startswith("..") and output.endswith("..") else output
    out = []
    for part in text.split("..."):
        comp, _, prop = part.rpartition(".")
        out.append({"id": comp, "property": prop})
    return out


def server_callbacks(deps: list[dict]) -> list[dict]:
    """The callbacks that run on the server (clientside ones never reach it)."""
    return [d for d in deps if not d.get("clientside_function")]


def find_callback(deps: list[dict], output_id: str, prop: str | None = None) -> dict:
    """The server callback whose outputs include ``output_id`` (and ``prop``, if given)."""
    for cb in server_callbacks(deps):
        for o in parse_outputs(cb["output"]):
            if o["id"] == output_id and (prop is None or o["property"].split("@")[0] == prop):
                return cb
    raise LookupError(f"no server callback outputs {output_id}.{prop or '*'}")


def prop_id(item: dict) -> str:
    return f"{item['id']}.{item['property']}"


def request_body(cb: dict, values: dict[str, Any], changed: list[str] | None = None) -> dict:
    """The renderer's request for ``cb`` with ``values`` keyed ``"id.prop"`` (inputs and state).

    An input or state missing from ``values`` is sent without a ``value`` (undefined in JS), as the
    renderer does for properties never set. ``changed`` defaults to the first input.
    """
    def item(dep: dict) -> dict:
        entry = {"id": dep["id"], "property": dep["property"]}
        key = prop_id(dep)
        if key in values:
            entry["value"] = values[key]
        return entry

    changed = changed if changed is not None else [prop_id(cb["inputs"][0])]
    body = {
        "output": cb["output"],
        "outputs": parse_outputs(cb["output"]) if cb["output"].startswith("..") else parse_outputs(cb["output"])[0],
        "inputs": [item(d) for d in cb["inputs"]],
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
    }
    if cb.get("state"):
        body["state"] = [item(d) for d in cb["state"]]
    return body


# --- layouts ----------------------------------------------------------------------------------


def walk(tree) -> Iterator[dict]:
    """Every component (``{"type", "namespace", "props"}``) in a serialised Dash tree."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if "props" in node and "type" in node:
                yield node
                for value in node["props"].values():
                    if isinstance(value, (list, dict)):
                        stack.append(value)
            else:
                stack.extend(v for v in node.values() if isinstance(v, (list, dict)))


def strings(tree) -> Iterator[str]:
    """Every string anywhere in a serialised Dash tree (prop values, lists, nested dicts)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, (list, dict)):
            stack.extend(reversed(list(node.values() if isinstance(node, dict) else node)))


def find_props(tree, comp_id: str) -> dict | None:
    for comp in walk(tree):
        if comp["props"].get("id") == comp_id:
            return comp["props"]
    return None


def option_values(props: dict | None) -> list:
    """Selectable values of a Select/Dropdown/RadioItems (disabled group headings left out)."""
    if not props:
        return []
    out = []
    for opt in props.get("options") or []:
        if isinstance(opt, dict):
            if not opt.get("disabled"):
                out.append(opt.get("value"))
        else:
            out.append(opt)
    return out


def page_content(post: Post, deps: list[dict], pathname: str, search: str = "") -> tuple[int, Any]:
    """Render a page through Dash Pages' routing callback; returns (status, children tree)."""
    cb = find_callback(deps, "_pages_content", "children")
    values = {"_pages_location.pathname": pathname, "_pages_location.search": search}
    body = request_body(cb, values, changed=["_pages_location.pathname", "_pages_location.search"])
    status, doc = post(UPDATE_PATH, body)
    if status != 200 or not isinstance(doc, dict):
        return status, None
    return status, (doc.get("response") or {}).get("_pages_content", {}).get("children")


def flask_post(client) -> Post:
    """``post`` over a Flask test client."""
    def post(path: str, body: dict) -> tuple[int, Any]:
        resp = client.post(path, json=body)
        try:
            doc = resp.get_json(silent=True)
        except Exception:  # noqa: BLE001 - non-JSON answers are returned as None
            doc = None
        return resp.status_code, doc

    return post
