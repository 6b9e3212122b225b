/* Tilannekuva's browser glue: a static asset (script-src 'self'). Python decides everything; this
 * file only picks what the server made and applies it.
 * - The explorer (dashboard/deliver/explorer.py): every view of an area page is in its store; an
 *   indicator, year or municipality switch selects the view's entries, with no request.
 * - URL state (history.pushState), links that keep the view, forum-mode keys, copy buttons. */
(function () {
  "use strict";
  var C = function () { return window.dash_clientside; };
  var NO = function () { return C().no_update; };
  var here = function () { return location.pathname + location.search; };

  // Dash Pages' dcc.Location misses our pushState: a popstate back onto the URL it last saw is told
  // to the router ("tk-popstate"); one that keeps path and query (an in-page #link) is stopped.
  var routerUrl = here(), shown = routerUrl;
  addEventListener("_dashprivate_pushstate", function () { routerUrl = shown = here(); });
  addEventListener("popstate", function (event) {
    var url = here();
    if (url === shown) return event.stopImmediatePropagation();
    if (url === routerUrl && C() && C().set_props) C().set_props("tk-popstate", { data: Date.now() });
    routerUrl = shown = url;
  });

  // Links whose target is this view with one parameter set as Python said (language, forum mode).
  function refreshViewLinks() {
    document.querySelectorAll("a[data-tk-param]").forEach(function (a) {
      var p = new URLSearchParams(location.search), name = a.getAttribute("data-tk-param");
      var value = a.getAttribute("data-tk-value");
      if (value) p.set(name, value); else p.delete(name);
      var q = p.toString();
      a.setAttribute("href", location.pathname + (q ? "?" + q : ""));
    });
  }

  function prop(id, name) {
    try {
      var node = window.dash_component_api.getLayout(id);
      return node && node.props ? node.props[name] : undefined;
    } catch (e) { return undefined; }
  }
  function triggered() {
    var ctx = C().callback_context;
    return ((ctx && ctx.triggered) || []).map(function (t) { return String(t.prop_id || "").split(".")[0]; });
  }
  // The callback's answer by output id and property (callback_context.outputs_list), never by position.
  function byId(values) {
    return ((C().callback_context || {}).outputs_list || []).map(function (o) {
      var key = o.id + "." + String(o.property).split("@")[0];
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : NO();
    });
  }

  // --- applying what the store says ---------------------------------------------------------
  var cache = {};
  function parse(json) {
    if (typeof json !== "string" || !json) return null;
    if (!cache[json.length] || cache[json.length].src !== json) cache[json.length] = { src: json, data: JSON.parse(json) };
    return cache[json.length].data;
  }
  var clone = function (x) { return JSON.parse(JSON.stringify(x)); };
  var fill = function (text, seg) { return text.replace(/\{(\w)\}/g, function (_w, k) { return seg[k] || ""; }); };

  // [path, value] sets, [path] deletes.
  function apply(target, ops) {
    ops.forEach(function (op) {
      var obj = target, path = op[0];
      for (var k = 0; k < path.length - 1; k++) obj = obj[path[k]] = obj[path[k]] || {};
      if (op.length > 1) obj[path[path.length - 1]] = op[1]; else delete obj[path[path.length - 1]];
    });
    return target;
  }

  apply.get = function (obj, path) {
    for (var k = 0; k < path.length && obj !== undefined && obj !== null; k++) obj = obj[path[k]];
    return obj;
  };

  // Compact components ({type: [children, props]}, explorer.compact) as Dash's.
  function ex(x) {
    if (Array.isArray(x)) return x.map(ex);
    if (!x || typeof x !== "object") return x;
    var type = Object.keys(x)[0], a = x[type];
    return { type: type, namespace: "dash_html_components", props: Object.assign({ children: ex(a[0]) }, a[1]) };
  }

  function highlightOps(st, code) {
    return [[["data", st.hl.map, "locations"], code ? [code] : []], [["data", st.hl.map, "z"], code ? [0] : []]];
  }
  function highlightBar(st, fig, code) {
    var codes = fig.data[0].customdata.map(function (c) { return c[0]; });
    var line = codes.map(function (c) { return st.hl.bar[c === code ? 0 : 1]; });
    return [[["data", 0, "marker", "line", "color"], line.map(function (l) { return l[0]; })],
      [["data", 0, "marker", "line", "width"], line.map(function (l) { return l[1]; })]];
  }

  /* The entries of a view: {st, ind, key (year), e (year entry), me (map entry), te (trend entry), seg}. */
  function select(st, indicator, year, municipality, mode, cst) {
    var ind = st.ind[indicator];
    var key = year === null || year === undefined ? "" : String(year);
    if (!ind.y[key]) key = ind.last;
    var m = municipality && st.munis.indexOf(municipality) >= 0 ? municipality : "";
    var c = mode === "country" && cst && cst.ind[indicator];
    return { st: st, ind: ind, key: key, m: m, e: ind.y[key], me: c ? c.y[key] : ind.y[key], te: ind.t[m] || ind.t[""],
      seg: { i: ind.seg.i, y: ind.seg.y[key], m: st.seg.m[m] || "", k: st.seg.k[mode] || "", j: ind.seg.j } };
  }
  function mapOps(v) { return v.me.m.concat(highlightOps(v.st, v.m)); }

  // Tables behind a closed <details> are filled when it is opened (Dash is not told of the toggle).
  var stale = {};
  function tableOutput(id, table) {
    var body = document.getElementById(id), d = body && body.closest("details");
    if (d && d.open) { delete stale[id]; return table; }
    stale[id] = table;
    return NO();
  }
  document.addEventListener("toggle", function (event) {
    if (!event.target.open || !event.target.querySelector) return;
    Object.keys(stale).forEach(function (id) {
      if (event.target.querySelector("#" + id)) { C().set_props(id, { children: stale[id] }); delete stale[id]; }
    });
  }, true);

  // --- the map first: an indicator or year switch draws the map in the event, the rest follows --
  var pending = null, flushing = false;
  function drawMapNow(indicator, year) {
    var gd = document.querySelector("#area-map .js-plotly-plot");
    var st = parse(prop("area-data", "data"));
    if (!gd || !gd.data || !window.Plotly || !st || !st.ind[indicator]) return undefined;
    var mode = prop("area-mapmode", "value");
    var cst = parse(prop("area-country", "data"));
    if (mode === "country" && !cst) return undefined;
    var v = select(st, indicator, year, prop("area-municipality", "value"), mode, cst);
    var data = gd.data.slice();
    mapOps(v).forEach(function (op) {  // only changed traces are copied: plotly.js redraws only those
      var i = op[0][1], now = data[i];
      if (op[0][0] !== "data" || JSON.stringify(op[1]) === JSON.stringify(apply.get(now, op[0].slice(2)))) return;
      if (data[i] === gd.data[i]) data[i] = clone(data[i]);
      apply(data[i], [[op[0].slice(2), op[1]]]);
    });
    window.Plotly.react(gd, data, gd.layout);
    return v.key === "" ? null : Number(v.key);
  }
  function current(name, id) {
    return pending && pending[name] !== undefined && Date.now() - pending.at < 2000 ? pending[name] : prop(id, "value");
  }
  function flush() {
    flushing = false;
    if (!pending) return;
    if (prop("area-indicator", "value") !== pending.indicator) C().set_props("area-indicator", { value: pending.indicator });
    if (pending.year !== null && prop("area-year", "value") !== pending.year) C().set_props("area-year", { value: pending.year });
  }
  function mapFirst(event, indicator, year) {
    var drawn;
    try { drawn = drawMapNow(indicator, year); } catch (e) { drawn = undefined; }
    if (drawn === undefined || !C() || !C().set_props) return;
    event.stopImmediatePropagation();
    pending = { indicator: indicator, year: drawn, at: Date.now() };
    if (!flushing) { flushing = true; requestAnimationFrame(function () { setTimeout(flush, 0); }); }
  }
  function step(values, value, delta, fromFirst) {
    if (!values.length) return undefined;
    var i = values.indexOf(value);
    return values[i < 0 ? (delta < 0 && !fromFirst ? values.length - 1 : 0) : Math.max(0, Math.min(values.length - 1, i + delta))];
  }
  var markYears = function (marks) { return Object.keys(marks || {}).map(Number).sort(function (a, b) { return a - b; }); };
  var options = function (opts) { return (opts || []).filter(function (o) { return !o.disabled; }).map(function (o) { return o.value; }); };
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "area-indicator") mapFirst(event, event.target.value, current("year", "area-year"));
  }, true);
  document.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("button");
    var id = b && b.id, ind = current("indicator", "area-indicator"), year = current("year", "area-year"), next;
    if (id === "area-prev-year" || id === "area-next-year") {
      next = step(markYears(prop("area-year", "marks")), Number(year), id === "area-prev-year" ? -1 : 1);
      if (next !== undefined && next !== year) mapFirst(event, ind, next);
    } else if (id === "area-prev-ind" || id === "area-next-ind") {
      next = step(options(prop("area-indicator", "options")), ind, id === "area-prev-ind" ? -1 : 1, true);
      if (next !== undefined && next !== ind) mapFirst(event, next, year);
    }
  }, true);

  function pointCode(hover, kind) {
    var p = hover && hover.points && hover.points[0];
    var code = p && (kind === "area-map" ? p.location : p.customdata && p.customdata[0]);
    return typeof code === "string" ? code : null;
  }

  /* Everything an explorer view shows, by output "id.property": the view's entries applied to the
   * figures shown (the bar's and the trend's layout stay, but for what differs between views). A
   * year step keeps the trend (it does not depend on the year). */
  function render(st, cst, view, barFig, trendFig, ids, Patch) {
    var yearOnly = ids.length > 0 && ids.every(function (id) { return id === "area-year"; });
    var year = view.year, snap = yearOnly && st.ind[view.indicator].snap[year];
    var v = select(st, view.indicator, snap && view.from !== year ? snap[year > view.from ? 1 : 0] : year,
      view.municipality, view.mode, cst);
    var out = {};
    Object.keys(st.links).forEach(function (k) { out[k] = fill(st.links[k], v.seg); });
    if (st.cmpBy !== null && v.m !== st.cmpBy) return { reload: out["area-vertailu-" + st.cmp + ".href"] };
    var y = v.key === "" ? null : Number(v.key), ind = v.ind, e = v.e, me = v.me, te = v.te, query = {};
    new URLSearchParams(out.view).forEach(function (value, k) { query[k] = value; });
    delete out.view;
    var bar = apply(clone(barFig), e.b.concat(me.b || []));
    var patch = new Patch();
    mapOps(v).forEach(function (op) { patch.assign(op[0], op[1]); });
    Object.assign(out, {
      "area-map.figure": patch.build(),
      "area-bar.figure": apply(bar, highlightBar(st, bar, v.m)),
      "area-map-table-body.children": ex(e.bx),
      "area-map-legend.children": ex(me.l),
      "area-year-label.children": y === null ? "" : String(y),
      "area-indicator-link.href": ind.ih,
      "area-breakdown-wrap.children": ind.bd ? ex(JSON.parse(fill(JSON.stringify(ind.bd), v.seg))) : null,
      "view-state.data": { path: st.path, query: query, push: true, page: st.page },
      "tk-banner.children": e.s || te.s || st.statusSynthetic ? ex(st.banner) : null,
      "area-notice.children": null,
    });
    var texts = { map: me.mt.concat([me.ms[view.mode] || me.ms.geo]), bar: e.bt };
    if (!yearOnly) {
      texts.trend = te.tt;
      out["area-trend.figure"] = apply(clone(trendFig), [[["data"], te.d.map(function (k) { return ind.P[k]; })]]
        .concat(te.o || ind.o));
      out["area-trend-table-body.children"] = ex(te.tx);
    }
    Object.keys(texts).forEach(function (g) {
      ["title", "subtitle", "summary", "source"].forEach(function (part, i) { out["area-" + g + "-" + part + ".children"] = texts[g][i]; });
    });
    if (ids.indexOf("area-indicator") >= 0) {
      out["area-year.min"] = ind.years.length ? ind.years[0] : 0;
      out["area-year.max"] = ind.years.length ? ind.years[ind.years.length - 1] : 0;
      out["area-year.marks"] = ind.marks;
    }
    if (y !== view.year) out["area-year.value"] = y;
    return out;
  }
  window.tilannekuvaRender = render;  // (tests/browser/test_explorer_parity.py runs it on every view)

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tilannekuva = {
    /* Indicator, year or municipality changed: the view's entries from the store. A year step keeps
     * the trend (it does not depend on the year). */
    explorer: function (indicator, year, municipality, storeJson, mode, meta, barFig, trendFig, countryJson) {
      pending = null;
      var st = parse(storeJson), ids = triggered();
      if (!st || !st.ind[indicator] || !barFig || !trendFig) return byId({});
      var out = render(st, parse(countryJson), { indicator: indicator, year: year, municipality: municipality, mode: mode,
        from: Number(prop("area-year-label", "children")) }, barFig, trendFig, ids, C().Patch);
      if (out.reload) {  // a comparison set of another municipality: made by the server
        location.assign(out.reload);
        return byId({});
      }
      ["area-map-table-body", "area-trend-table-body"].forEach(function (id) {
        if (out[id + ".children"] !== undefined) out[id + ".children"] = tableOutput(id, out[id + ".children"]);
      });
      return byId(out);
    },

    applyMeta: function (meta) {
      if (!meta) return NO();
      if (["fi", "sv", "en"].indexOf(meta.lang) >= 0) document.documentElement.lang = meta.lang;
      document.body.classList.toggle("tk-forum-on", meta.forum === true);
      // Dash Pages sets its own title in the same tick; ours wins afterwards. After in-app
      // navigation the new page's main content gets the focus (screen readers).
      setTimeout(function () {
        if (typeof meta.title === "string") document.title = meta.title;
        var main = document.getElementById("main");
        if (!applyMeta.first && main) main.focus({ preventScroll: true });
        applyMeta.first = false;
      }, 0);
      refreshViewLinks();
      return NO();
    },

    syncUrl: function (view) {
      if (!view || typeof view !== "object") return NO();
      var p = new URLSearchParams(), pinned = new URLSearchParams(location.search).get("tilanne");
      Object.keys(view.query || {}).forEach(function (k) { if (view.query[k] !== null && view.query[k] !== "") p.set(k, view.query[k]); });
      if (pinned && !p.has("tilanne")) p.set("tilanne", pinned);  // a pinned view stays pinned
      var target = location.pathname + (p.toString() ? "?" + p : "");
      if (target !== here()) {
        history[view.push === true ? "pushState" : "replaceState"](view.push === true ? { tk: true } : history.state, "",
          target + location.hash);
        shown = here();
      }
      refreshViewLinks();
      return NO();
    },

    stepYear: function (_p, _n, year, marks) {
      var next = step(markYears(marks), Number(year), triggered()[0] === "area-prev-year" ? -1 : 1);
      return next === undefined || next === year ? NO() : next;
    },
    stepIndicator: function (_p, _n, value, opts) {
      var next = step(options(opts), value, triggered()[0] === "area-prev-ind" ? -1 : 1, true);
      return next === undefined || next === value ? NO() : next;
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
      var st = parse(prop("area-data", "data")), Patch = C().Patch;
      if (!st) return [NO(), NO()];
      var build = function (ops) { var p = new Patch(); ops.forEach(function (op) { p.assign(op[0], op[1]); }); return p.build(); };
      var ok = barFig && barFig.data && barFig.data[0] && barFig.data[0].customdata;
      return [build(highlightOps(st, code)), ok ? build(highlightBar(st, barFig, code)) : NO()];
    },
  };
  var applyMeta = window.dash_clientside.tilannekuva.applyMeta;
  applyMeta.first = true;

  // dcc.Slider's thumb has no accessible name: it gets its wrapper's label (data-tk-slider-label).
  new MutationObserver(function () {
    document.querySelectorAll("[data-tk-slider-label]").forEach(function (wrap) {
      var id = wrap.getAttribute("data-tk-slider-label");
      wrap.querySelectorAll("[role=slider]").forEach(function (t) {
        if (t.getAttribute("aria-labelledby") !== id) t.setAttribute("aria-labelledby", id);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  // Copy buttons: the view's URL, or the text of data-tk-copy-from (an alt text).
  document.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("[data-tk-copy]");
    if (!b) return;
    var status = document.getElementById(b.getAttribute("data-tk-copy"));
    var from = document.getElementById(b.getAttribute("data-tk-copy-from") || "");
    var text = from ? from.textContent : location.href;
    var copy = navigator.clipboard && window.isSecureContext ? navigator.clipboard.writeText(text) : new Promise(function (ok, no) {
      var area = document.createElement("textarea");
      area.value = text;
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand && document.execCommand("copy");
      document.body.removeChild(area);
      return done ? ok() : no();
    });
    copy.then(function () { if (status) status.textContent = b.getAttribute("data-tk-copied") || ""; },
      function () { if (status) status.textContent = text; });
  });

  // Forum mode keys press the step buttons; form controls keep their own arrow keys.
  var KEYS = { ArrowLeft: "area-prev-year", ArrowRight: "area-next-year", ArrowUp: "area-prev-ind",
    ArrowDown: "area-next-ind", PageUp: "area-prev-ind", PageDown: "area-next-ind" };
  document.addEventListener("keydown", function (event) {
    var t = event.target || {}, tag = (t.tagName || "").toUpperCase();
    if (!document.body.classList.contains("tk-forum-on") || event.altKey || event.ctrlKey || event.metaKey ||
      event.shiftKey || /^(INPUT|SELECT|TEXTAREA)$/.test(tag) || t.isContentEditable ||
      (t.getAttribute && t.getAttribute("role") === "slider")) return;
    var button = document.getElementById(KEYS[event.key]);
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
