/* Tilannekuva's browser glue (script-src 'self'). Python decides everything; this applies what the
 * server made: the explorer's views (deliver/explorer.py), the URL, keys, copy buttons. */
(function () {
  "use strict";
  var C = function () { return window.dash_clientside; };
  var NO = function () { return C().no_update; };
  var here = function () { return location.pathname + location.search; };
  var all = function (sel) { return [].slice.call(document.querySelectorAll(sel)); };

  // dcc.Location misses our pushState: a popstate back onto the URL it last saw is told to the router
  // ("tk-popstate"); one that keeps path and query (an in-page #link) is stopped.
  var routerUrl = here(), shown = routerUrl;
  addEventListener("_dashprivate_pushstate", function () { routerUrl = shown = here(); });
  addEventListener("popstate", function (event) {
    var url = here();
    if (url === shown) return event.stopImmediatePropagation();
    if (url === routerUrl && C() && C().set_props) C().set_props("tk-popstate", { data: Date.now() });
    routerUrl = shown = url;
  });

  // Links to this view with a parameter Python set (language, forum mode).
  function refreshViewLinks() {
    all("a[data-tk-param]").forEach(function (a) {
      var p = new URLSearchParams(location.search), name = a.getAttribute("data-tk-param");
      if (a.getAttribute("data-tk-value")) p.set(name, a.getAttribute("data-tk-value")); else p.delete(name);
      a.setAttribute("href", location.pathname + (p.toString() ? "?" + p : ""));
    });
  }

  function prop(id, name) {
    try { return window.dash_component_api.getLayout(id).props[name]; } catch (e) { return undefined; }
  }
  function triggered() {
    return triggered.prop().map(function (p) { return p.split(".")[0]; });
  }
  triggered.prop = function () { return ((C().callback_context || {}).triggered || []).map(function (t) { return String(t.prop_id); }); };
  // The answer by output id and property (callback_context.outputs_list), never by position.
  function byId(values, outs) {
    return (outs || (C().callback_context || {}).outputs_list || []).map(function (o) {
      var key = o.id + "." + String(o.property).split("@")[0];
      return key in values ? values[key] : NO();
    });
  }

  // A store is a versioned URL (explorer.store_url), fetched once; parse() is null until it is here.
  var stores = {};
  function load(url) {
    var p = stores[url] = stores[url] || fetch(url).then(function (r) { return r.json(); })
      .then(function (d) { return (p.data = d); }, function (e) { delete stores[url]; throw e; });  // tried again
    return p;
  }
  var parse = function (url) { return url ? load(url).data || null : null; };
  var clone = function (x) { return JSON.parse(JSON.stringify(x)); };
  var fill = function (text, seg) { return text.replace(/\{(\w)\}/g, function (_w, k) { return seg[k] || ""; }); };
  // Operations: [path, v] sets, [path] deletes.
  function apply(target, ops) {
    ops.forEach(function (op) {
      var path = op[0], obj = target;
      for (var k = 0; k < path.length - 1; k++) obj = obj[path[k]] = obj[path[k]] || {};
      if (op.length > 1) obj[path[k]] = op[1]; else delete obj[path[k]];
    });
    return target;
  }
  // Compact components (explorer.compact) as Dash's.
  function ex(x) {
    if (Array.isArray(x)) return x.map(ex);
    if (!x || typeof x !== "object") return x;
    var type = Object.keys(x)[0];
    return { type: type, namespace: "dash_html_components", props: Object.assign({ children: ex(x[type][0]) }, x[type][1]) };
  }
  function patch(ops, Patch) {
    var p = new (Patch || C().Patch)();
    ops.forEach(function (op) { p.assign(op[0], op[1]); });
    return p.build();
  }
  // A municipality's highlight (st.hl): the map's highlight trace, the bars' outlines.
  function mapHighlight(st, code) {
    return [[["data", st.hl.map, "locations"], code ? [code] : []], [["data", st.hl.map, "z"], code ? [0] : []]];
  }
  function barHighlight(st, fig, code) {
    var line = fig.data[0].customdata.map(function (c) { return st.hl.bar[c[0] === code ? 0 : 1]; });
    return ["color", "width"].map(function (k, i) { return [["data", 0, "marker", "line", k], line.map(function (l) { return l[i]; })]; });
  }

  /* A view's entries: the year's (e), the map's (me), the trend's (te), the URL segments (seg). A year
   * without data shows the last. */
  function select(st, cst, indicator, year, municipality, mode) {
    var ind = st.ind[indicator], key = year == null ? "" : String(year);
    if (!ind.y[key]) key = ind.last;
    var m = st.munis.indexOf(municipality) >= 0 ? municipality : "", c = mode === "country" && cst && cst.ind[indicator];
    return { st: st, ind: ind, key: key, m: m, e: ind.y[key], me: c ? c.y[key] : ind.y[key], te: ind.t[m] || ind.t[""],
      seg: { i: ind.seg.i, y: ind.seg.y[key], m: st.seg.m[m], k: st.seg.k[mode], j: ind.seg.j } };
  }

  /* Everything a view shows, by output "id.property". A year step keeps the trend: it has no year. */
  function render(st, cst, view, barFig, trendFig, ids, Patch) {
    var yearOnly = ids.length > 0 && ids.every(function (id) { return id === "area-year"; });
    var snap = yearOnly && st.ind[view.indicator].snap[view.year], from = view.from;
    var v = select(st, cst, view.indicator, snap && from !== view.year ? snap[view.year > from ? 1 : 0] : view.year,
      view.municipality, view.mode);
    var out = {}, ind = v.ind, query = {}, y = v.key === "" ? null : Number(v.key);
    Object.keys(st.links).forEach(function (k) { out[k] = fill(st.links[k], v.seg); });
    if (st.cmpBy !== null && v.m !== st.cmpBy) return { reload: out["area-vertailu-" + st.cmp + ".href"] };
    new URLSearchParams(out.view).forEach(function (value, k) { query[k] = value; });
    delete out.view;
    var put = function (keys, values) { keys.forEach(function (k, i) { out[k] = ex(values[i]); }); };
    put(st.out.y, v.e.o);
    if (v.me !== v.e) put(cst.out, v.me.o);
    var bar = apply(clone(barFig), v.e.b.concat(v.me.b || []));
    Object.assign(out, {
      "area-map.figure": patch(v.me.m.concat(mapHighlight(st, v.m)), Patch),
      "area-bar.figure": apply(bar, barHighlight(st, bar, v.m)),
      "area-map-source.children": v.me.ms[view.mode] || v.me.ms.geo,
      "area-year-label.children": y === null ? "" : String(y),
      "area-indicator-link.href": ind.ih,
      "area-breakdown-wrap.children": ind.bd ? ex(JSON.parse(fill(JSON.stringify(ind.bd), v.seg))) : null,
      "view-state.data": { path: st.path, query: query, push: true, page: st.page },
      "tk-banner.children": v.e.s || v.te.s || st.statusSynthetic ? ex(st.banner) : null,
      "area-notice.children": null,
    });
    if (!yearOnly) {
      put(st.out.t, v.te.o);
      out["area-trend.figure"] = apply(clone(trendFig), [[["data"], v.te.d.map(function (k) { return ind.P[k]; })]]
        .concat(v.te.lo || ind.lo));
    }
    if (ids.indexOf("area-indicator") >= 0) {
      out["area-year.min"] = ind.years[0] || 0;
      out["area-year.max"] = ind.years[ind.years.length - 1] || 0;
      out["area-year.marks"] = ind.marks;
    }
    if (y !== view.year) out["area-year.value"] = y;
    return out;
  }
  window.tilannekuvaRender = render;  // (parity tests run it)

  // A switch draws the map in the user's event; the controls get the values after that frame and
  // Dash's explorer callback does the rest (quick steps step from the value shown).
  var pending = null, flushing = false;
  function drawMapNow(indicator, year) {
    var gd = document.querySelector("#area-map .js-plotly-plot"), st = parse(prop("area-data", "data"));
    var mode = prop("area-mapmode", "value"), cst = parse(prop("area-country", "data"));
    if (!gd || !gd.data || !window.Plotly || !st || !st.ind[indicator] || (mode === "country" && !cst)) return undefined;
    var v = select(st, cst, indicator, year, prop("area-municipality", "value"), mode), data = gd.data.slice();
    v.me.m.concat(mapHighlight(st, v.m)).forEach(function (op) {  // only changed traces are copied and redrawn
      var i = op[0][1], path = op[0].slice(2), now = data[i];
      for (var k = 0; k < path.length && now != null; k++) now = now[path[k]];
      if (op[0][0] !== "data" || JSON.stringify(op[1]) === JSON.stringify(now)) return;
      if (data[i] === gd.data[i]) data[i] = clone(data[i]);
      apply(data[i], [[path, op[1]]]);
    });
    window.Plotly.react(gd, data, gd.layout);
    return v.key === "" ? null : Number(v.key);
  }
  function current(name, id) {
    return pending && pending[name] !== undefined && Date.now() - pending.at < 2000 ? pending[name] : prop(id, "value");
  }
  function set(indicator, year) {
    if (prop("area-indicator", "value") !== indicator) C().set_props("area-indicator", { value: indicator });
    if (year != null && prop("area-year", "value") !== year) C().set_props("area-year", { value: year });
  }
  function mapFirst(event, indicator, year) {
    var drawn;
    try { drawn = drawMapNow(indicator, year); } catch (e) { drawn = undefined; }
    if (drawn === undefined) return false;
    event.stopImmediatePropagation();
    pending = { indicator: indicator, year: drawn, at: Date.now() };
    if (!flushing) {
      flushing = true;
      requestAnimationFrame(function () { setTimeout(function () { flushing = false; if (pending) set(pending.indicator, pending.year); }, 0); });
    }
    return true;
  }
  // Step buttons: through the store's years and indicators (clamped; an unknown value starts at an end).
  function step(values, value, delta, fromFirst) {
    var i = values.indexOf(value);
    return values[i < 0 ? (delta < 0 && !fromFirst ? values.length - 1 : 0) : Math.max(0, Math.min(values.length - 1, i + delta))];
  }
  var STEPS = { "area-prev-year": -1, "area-next-year": 1, "area-prev-ind": -1, "area-next-ind": 1 };
  document.addEventListener("change", function (event) {
    if (event.target.id === "area-indicator") mapFirst(event, event.target.value, current("year", "area-year"));
  }, true);
  document.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("button"), id = b && b.id, url = prop("area-data", "data");
    var st = parse(url);
    if (!STEPS[id]) return;
    if (!st) return url && load(url).then(function () { b.click(); });  // once it is here
    var ind = current("indicator", "area-indicator"), year = current("year", "area-year");
    var next = /year/.test(id) ? [ind, step((st.ind[ind] || {}).years || [], Number(year), STEPS[id])]
      : [step(Object.keys(st.ind), ind, STEPS[id], true), year];
    if (next[0] !== undefined && next[1] !== undefined && (next[0] !== ind || next[1] !== year) &&
      !mapFirst(event, next[0], next[1])) set(next[0], next[1]);
  }, true);

  function pointCode(hover, id) {
    var p = hover && hover.points && hover.points[0], code = p && (id === "area-map" ? p.location : p.customdata && p.customdata[0]);
    return typeof code === "string" ? code : null;
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tilannekuva = {
    explorer: function (indicator, year, municipality, storeUrl, mode, meta, barFig, trendFig, countryUrl) {
      pending = null;  // Dash has caught up
      var outs = C().callback_context.outputs_list, ids = triggered(), from = Number(prop("area-year-label", "children"));
      var draw = function () {
        var st = parse(storeUrl);
        if (!st || !st.ind[indicator] || !barFig || !trendFig) return byId({}, outs);
        var out = render(st, parse(countryUrl), { indicator: indicator, year: year, municipality: municipality, mode: mode,
          from: from }, barFig, trendFig, ids);
        if (out.reload) location.assign(out.reload);  // another municipality's comparison set: the server's
        return byId(out.reload ? {} : out, outs);
      };
      // a switch before the store is here: after it
      return storeUrl && (!parse(storeUrl) || (countryUrl && !parse(countryUrl)))
        ? Promise.all([load(storeUrl), countryUrl && load(countryUrl)]).then(draw, function () { return byId({}, outs); }) : draw();
    },
    applyMeta: function (meta) {
      if (!meta) return NO();
      if (["fi", "sv", "en"].indexOf(meta.lang) >= 0) document.documentElement.lang = meta.lang;
      document.body.classList.toggle("tk-forum-on", meta.forum === true);
      var first = !C().tilannekuva.seen;
      C().tilannekuva.seen = true;
      setTimeout(function () {  // after Dash's own title; after navigation, focus to the content
        if (typeof meta.title === "string") document.title = meta.title;
        parse(prop("area-data", "data"));  // the store starts loading
        if (!first && document.getElementById("main")) document.getElementById("main").focus({ preventScroll: true });
      }, 0);
      refreshViewLinks();
      return NO();
    },
    syncUrl: function (view) {
      if (!view || typeof view !== "object") return NO();
      var p = new URLSearchParams(), pinned = new URLSearchParams(location.search).get("tilanne");
      Object.keys(view.query || {}).forEach(function (k) { if (view.query[k] != null && view.query[k] !== "") p.set(k, view.query[k]); });
      if (pinned && !p.has("tilanne")) p.set("tilanne", pinned);  // a pinned view stays pinned
      var target = location.pathname + (p.toString() ? "?" + p : "");
      if (target !== here()) {
        if (view.push === true) history.pushState({ tk: true }, "", target + location.hash);
        else history.replaceState(history.state, "", target + location.hash);
        shown = here();
      }
      refreshViewLinks();
      return NO();
    },
    selectMunicipality: function (mapClick, barClick, selected) {
      var id = triggered()[0], code = pointCode(id === "area-map" ? mapClick : barClick, id);
      var st = parse(prop("area-data", "data"));
      // the whole-country map shows municipalities outside the county: only the county's are chosen
      if (!code || (st && st.munis.indexOf(code) < 0)) return NO();
      return code === selected ? "" : code;
    },
    linkHover: function (mapHover, barHover, selected, barFig) {
      var id = triggered()[0], code = pointCode(id === "area-map" ? mapHover : barHover, id) || selected || null;
      var st = parse(prop("area-data", "data")), bars = barFig && barFig.data && barFig.data[0];
      if (!st) return [NO(), NO()];
      return [patch(mapHighlight(st, code)), bars && bars.customdata ? patch(barHighlight(st, barFig, code)) : NO()];
    },
  };

  // Panels that ask the server (alttext_panel.py): the view of the chart's download link is handed on
  // when one is opened or the view changes while it is open; a closed one sends nothing.
  window.dash_clientside.tilannekuva_panel = {
    request: function (clicks, href, panelId) {
      var panel = document.getElementById(panelId);
      var opened = triggered.prop().some(function (p) { return /-open\.n_clicks$/.test(p); });
      return opened || (panel && panel.open) ? href : NO();
    },
  };

  // A slider's thumb (no name of its own) gets its wrapper's label (data-tk-slider-label).
  new MutationObserver(function () {
    all("[data-tk-slider-label] [role=slider]").forEach(function (t) {
      t.setAttribute("aria-labelledby", t.closest("[data-tk-slider-label]").getAttribute("data-tk-slider-label"));
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  // Copy buttons: the view's URL or the text of data-tk-copy-from; without a secure context the text is
  // shown to copy by hand.
  document.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("[data-tk-copy]");
    if (!b) return;
    var status = document.getElementById(b.getAttribute("data-tk-copy")) || {};
    var from = document.getElementById(b.getAttribute("data-tk-copy-from") || "");
    var text = from ? from.textContent : location.href;
    (navigator.clipboard && isSecureContext ? navigator.clipboard.writeText(text) : Promise.reject())
      .then(function () { status.textContent = b.getAttribute("data-tk-copied") || ""; }, function () { status.textContent = text; });
  });

  // Keys as Python set them (components.keys, RING): data-tk-keys presses the element; data-tk-ring
  // ("next|previous") moves the focus along its elements. Not in form fields.
  document.addEventListener("keydown", function (event) {
    var t = event.target || {}, key = event.key === " " ? "Space" : event.key;
    var has = function (el, name, i) { return ((el.getAttribute(name) || "").split("|")[i] || "").split(" ").indexOf(key) >= 0; };
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName) ||
      t.isContentEditable || (t.getAttribute && t.getAttribute("role") === "slider")) return;
    var press = all("[data-tk-keys]").find(function (el) { return has(el, "data-tk-keys", 0); });
    var ring = all("[data-tk-ring]"), dir = ring.length && (has(ring[0], "data-tk-ring", 0) ? 1 : has(ring[0], "data-tk-ring", 1) ? -1 : 0);
    var at = ring.findIndex(function (el) { return el.contains(document.activeElement); });
    var target = press || (dir && ring[at < 0 ? (dir > 0 ? 0 : ring.length - 1) : Math.min(ring.length - 1, Math.max(0, at + dir))]);
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    target = target.matches("a, button") ? target : target.querySelector("a, button");
    if (press) target.click(); else target.focus();
  }, true);
})();
