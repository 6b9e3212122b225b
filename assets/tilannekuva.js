/* Tilannekuva: browser-side behaviour. A static asset (script-src 'self'), never an inline script.
 *
 * - Clientside callbacks (namespace "tilannekuva"): document language/title/forum class, URL sync,
 *   click-to-select and hover linking between the map and the bar chart (dash_clientside.Patch, so
 *   only the highlight changes and nothing goes to the server).
 * - URL state: the view state is written with history.pushState (replaceState on a first render), so
 *   changing a control never re-renders the page; back/forward re-render it from the URL.
 * - Forum mode: ←/→ step the year, ↑/↓ (and PageUp/PageDown of presentation clickers) the indicator.
 */
(function () {
  "use strict";

  var NO_UPDATE = function () {
    return window.dash_clientside.no_update;
  };

  function here() {
    return window.location.pathname + window.location.search;
  }

  // The URL that Dash Pages' own dcc.Location last saw. It updates on popstate and on dcc.Link
  // navigation, not on our pushState; when a popstate lands on exactly that URL the Location sees no
  // change, so we tell the router ourselves (routing input "tk-popstate").
  // ``shown``: the path and query the document had before the current event. A popstate that
  // keeps them (an in-page "#main" link such as the skip link) changes no view, so it does not
  // reach Dash's dcc.Location either (this listener is registered before Dash's own): otherwise
  // the router would render the whole page again for a fragment.
  var routerUrl = here();
  var shown = routerUrl;
  window.addEventListener("_dashprivate_pushstate", function () {
    routerUrl = here();
    shown = routerUrl;
  });
  window.addEventListener("popstate", function (event) {
    var url = here();
    if (url === shown) {
      event.stopImmediatePropagation();
      return;
    }
    if (url === routerUrl && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("tk-popstate", { data: Date.now() });
    }
    routerUrl = url;
    shown = url;
  });

  function queryString(query) {
    var params = new URLSearchParams();
    Object.keys(query || {}).forEach(function (key) {
      var value = query[key];
      if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  // Language and forum links keep the current view (they are plain links: a full page load).
  function refreshViewLinks() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("a[data-tk-lang]").forEach(function (a) {
      var p = new URLSearchParams(params);
      var lang = a.getAttribute("data-tk-lang");
      if (lang === "fi") p.delete("kieli");
      else p.set("kieli", lang);
      var q = p.toString();
      a.setAttribute("href", window.location.pathname + (q ? "?" + q : ""));
    });
    document.querySelectorAll("a[data-tk-forum]").forEach(function (a) {
      var p = new URLSearchParams(params);
      if (p.get("esitys") === "1") p.delete("esitys");
      else p.set("esitys", "1");
      var q = p.toString();
      a.setAttribute("href", window.location.pathname + (q ? "?" + q : ""));
    });
  }

  var firstMeta = true;

  function pointCode(hover, kind) {
    if (!hover || !hover.points || !hover.points.length) return null;
    var p = hover.points[0];
    if (kind === "map") {
      return typeof p.location === "string" ? p.location : null;
    }
    return p.customdata && typeof p.customdata[0] === "string" ? p.customdata[0] : null;
  }

  function triggeredId() {
    var ctx = window.dash_clientside.callback_context;
    if (!ctx || !ctx.triggered || !ctx.triggered.length) return "";
    return String(ctx.triggered[0].prop_id || "").split(".")[0];
  }

  function triggeredIds() {
    var ctx = window.dash_clientside.callback_context;
    if (!ctx || !ctx.triggered) return [];
    return ctx.triggered.map(function (t) { return String(t.prop_id || "").split(".")[0]; });
  }

  // The explorer callback's outputs (dashboard/deliver/pages/area.py CLIENT_OUTPUTS) are filled by
  // id and property from callback_context.outputs_list: never by position or count.
  var TEXT_PARTS = ["title", "subtitle", "summary", "source"];

  /* The callback's answer: the value of each output found in ``values`` ("id.property"), no_update
   * for every other output. */
  function byId(values) {
    var ctx = window.dash_clientside.callback_context;
    var outputs = (ctx && ctx.outputs_list) || [];
    return outputs.map(function (o) {
      var key = o.id + "." + String(o.property).split("@")[0];
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : NO_UPDATE();
    });
  }

  // --- tables behind a closed disclosure are built when it is opened ---------------------------
  // (html.Details does not tell Dash when the user opens it, so the DOM is asked.)
  var staleTables = {};

  function isOpen(bodyId) {
    var body = document.getElementById(bodyId);
    var details = body && body.closest ? body.closest("details") : null;
    return !!(details && details.open);
  }

  function tableOutput(bodyId, table) {
    if (isOpen(bodyId)) {
      delete staleTables[bodyId];
      return table;
    }
    staleTables[bodyId] = table;
    return NO_UPDATE();
  }

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details || !details.open || !details.querySelector) return;
    Object.keys(staleTables).forEach(function (bodyId) {
      var body = details.querySelector("#" + bodyId);
      if (body && window.dash_clientside && window.dash_clientside.set_props) {
        var table = staleTables[bodyId];
        delete staleTables[bodyId];
        window.dash_clientside.set_props(bodyId, { children: table });
      }
    });
  }, true);

  // --- the map first ----------------------------------------------------------------------------
  // An indicator or year switch redraws the map at once, in the event that asked for it, from the
  // values in the page's store; the explorer callback then updates everything else (bar, trend,
  // texts, legend, tables, URL) through Dash and hands the same values to the map's figure.

  function layoutProp(id, prop) {
    var api = window.dash_component_api;
    try {
      var node = api && api.getLayout ? api.getLayout(id) : null;
      return node && node.props ? node.props[prop] : undefined;
    } catch (e) {
      return undefined;
    }
  }

  /* Draw the map of (indicator, year) now; returns the year drawn (the indicator's latest when it
   * has no data in ``year``), or undefined when the map cannot be drawn here. */
  function drawMapNow(indicator, year) {
    var core = window.tilannekuvaCore;
    var gd = document.querySelector("#area-map .js-plotly-plot");
    if (!core || !gd || !gd.data || !window.Plotly) return undefined;
    var st = core.store(layoutProp("area-data", "data"));
    if (!st || !st.ind || !st.ind[indicator]) return undefined;
    var iy = core.indicatorYear(st, indicator, typeof year === "number" ? year : null);
    var highlight = layoutProp("area-municipality", "value") || null;
    var ops;
    if (layoutProp("area-mapmode", "value") === "country") {
      // The whole-country map: its classes come with the country store; without it, Dash decides.
      var cst = core.countryStore(layoutProp("area-country", "data"));
      var cy = cst && core.countryYear(st, cst, indicator, iy.year);
      if (!cy) return undefined;
      ops = core.countryOperations(st, cst, cy, highlight);
    } else {
      ops = core.mapOperations(st, iy, highlight);
    }
    window.Plotly.react(gd, core.applyOperations(gd.data, ops), gd.layout);
    return iy.year;
  }

  /* The value ``delta`` steps from ``current`` (clamped at the ends); an unknown current value
   * starts from the end the step points to, or from the first value when ``fromFirst``. */
  function stepValue(values, current, delta, fromFirst) {
    if (!values.length) return undefined;
    var i = values.indexOf(current);
    var j = i < 0 ? (delta < 0 && !fromFirst ? values.length - 1 : 0) : Math.max(0, Math.min(values.length - 1, i + delta));
    return values[j];
  }

  function markYears(marks) {
    return Object.keys(marks || {}).map(Number).filter(function (y) { return !isNaN(y); })
      .sort(function (a, b) { return a - b; });
  }

  function indicatorValues(options) {
    return (options || []).filter(function (o) { return o && !o.disabled; }).map(function (o) { return o.value; });
  }

  // The view the map shows after a direct draw, until the explorer callback has run with it
  // (quick repeated steps step from it, as the controls will).
  var pending = null;
  var flushScheduled = false;

  function current(prop, id) {
    if (pending && pending[prop] !== undefined && Date.now() - pending.at < 2000) return pending[prop];
    return layoutProp(id, "value");
  }

  /* After the frame that shows the map: the controls get the values (Dash then runs the explorer
   * callback, which updates the rest of the page). Several quick steps end in their last value. */
  function flush() {
    flushScheduled = false;
    var view = pending;
    if (!view || !window.dash_clientside || !window.dash_clientside.set_props) return;
    if (layoutProp("area-indicator", "value") !== view.indicator) {
      window.dash_clientside.set_props("area-indicator", { value: view.indicator });
    }
    if (view.year !== null && layoutProp("area-year", "value") !== view.year) {
      window.dash_clientside.set_props("area-year", { value: view.year });
    }
  }

  /* Draw the map for the control's new value now, in the event; the event itself does not reach
   * Dash (its update of the rest of the page takes longer than a frame): the new values are set
   * on the controls after the frame that shows the map. When the map cannot be drawn here the
   * event goes to Dash as usual. */
  function mapFirst(event, indicator, year) {
    var drawn;
    try {
      drawn = drawMapNow(indicator, year);
    } catch (e) {
      drawn = undefined;
    }
    if (drawn === undefined || !window.dash_clientside || !window.dash_clientside.set_props) return;
    event.stopImmediatePropagation();
    pending = { indicator: indicator, year: drawn, at: Date.now() };
    if (!flushScheduled) {
      flushScheduled = true;
      window.requestAnimationFrame(function () { window.setTimeout(flush, 0); });
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || target.id !== "area-indicator") return;
    mapFirst(event, target.value, current("year", "area-year"));
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("button") : null;
    if (!button) return;
    var id = button.id;
    var indicator = current("indicator", "area-indicator");
    var year = current("year", "area-year");
    if (id === "area-prev-year" || id === "area-next-year") {
      var next = stepValue(markYears(layoutProp("area-year", "marks")), Number(year), id === "area-prev-year" ? -1 : 1);
      if (next !== undefined && next !== year) mapFirst(event, indicator, next);
    } else if (id === "area-prev-ind" || id === "area-next-ind") {
      var key = stepValue(indicatorValues(layoutProp("area-indicator", "options")), indicator,
                          id === "area-prev-ind" ? -1 : 1, true);
      if (key !== undefined && key !== indicator) mapFirst(event, key, year);
    }
  }, true);

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tilannekuva = {
      /* Indicator, year or municipality changed: everything the explorer shows, drawn from the
       * values in the page's store (tilannekuva-core.js) — no request to the server. A year step
       * leaves the trend alone (it does not depend on the year); tables behind a closed
       * disclosure are built when it is opened. */
      explorer: function (indicator, year, municipality, storeJson, mode, meta, barFigure, trendFigure, countryJson) {
        pending = null;  // Dash has caught up with the controls
        var core = window.tilannekuvaCore;
        var st = core && core.store(storeJson);
        if (!st || !st.ind || !st.ind[indicator] || !barFigure || !trendFigure) return byId({});
        var ids = triggeredIds();
        var yearOnly = ids.length > 0 && ids.every(function (id) { return id === "area-year"; });
        var asked = year;
        if (yearOnly) {
          // A slider step onto a year without data goes on to the next year with data that way.
          year = core.snapYear(st.ind[indicator].years, year, Number(layoutProp("area-year-label", "children")));
        }
        var out = core.explore(st, {
          indicator: indicator, year: typeof year === "number" ? year : null, municipality: municipality || null,
          mode: mode, forum: !!(meta && meta.forum === true),
        }, { bar: barFigure, trend: trendFigure }, window.dash_clientside.Patch, { map: true, bar: true, trend: !yearOnly },
        core.countryStore(countryJson));
        if (out.reload) {  // a comparison set of another municipality: made by the server
          window.location.assign(out.reload);
          return byId({});
        }
        var v = {
          "area-map.figure": out.map, "area-bar.figure": out.bar,
          "area-map-table-body.children": tableOutput("area-map-table-body", out.barTable),
          "area-map-legend.children": out.legend,
          "area-year-label.children": out.view.year === null ? "" : String(out.view.year),
          "area-indicator-link.href": out.indicatorHref,
          "area-breakdown-wrap.children": out.breakdown,
          "view-state.data": { path: st.path, query: out.query, push: true, page: st.page },
          "tk-banner.children": out.banner,
          "area-notice.children": null,
        };
        [out.mapTexts, out.barTexts, yearOnly ? null : out.trendTexts].forEach(function (tx, k) {
          if (tx) TEXT_PARTS.forEach(function (part) { v["area-" + st.kinds[k] + "-" + part + ".children"] = tx[part]; });
        });
        if (!yearOnly) {
          v["area-trend.figure"] = out.trend;
          v["area-trend-table-body.children"] = tableOutput("area-trend-table-body", out.trendTable);
        }
        if (ids.indexOf("area-indicator") >= 0) {
          v["area-year.min"] = out.years.length ? out.years[0] : 0;
          v["area-year.max"] = out.years.length ? out.years[out.years.length - 1] : 0;
          v["area-year.marks"] = out.marks;
        }
        if (out.view.year !== asked) v["area-year.value"] = out.view.year;
        Object.keys(out.hrefs).forEach(function (key) { v[key] = out.hrefs[key]; });
        Object.keys(out.cmpHrefs).forEach(function (key) { v[key] = out.cmpHrefs[key]; });
        return byId(v);
      },

      applyMeta: function (meta) {
        if (!meta) return NO_UPDATE();
        if (["fi", "sv", "en"].indexOf(meta.lang) >= 0) document.documentElement.lang = meta.lang;
        document.body.classList.toggle("tk-forum-on", meta.forum === true);
        // Dash Pages sets its own (Finnish) title in the same tick; ours wins afterwards.
        window.setTimeout(function () {
          if (typeof meta.title === "string") document.title = meta.title;
        }, 0);
        if (!firstMeta) {
          // After in-app navigation, move focus to the new page's main content (screen readers).
          window.setTimeout(function () {
            var main = document.getElementById("main");
            if (main) main.focus({ preventScroll: true });
          }, 0);
        }
        firstMeta = false;
        refreshViewLinks();
        return NO_UPDATE();
      },

      syncUrl: function (view) {
        if (!view || typeof view !== "object") return NO_UPDATE();
        // A pinned view (?tilanne=, Python decided it for the whole page) stays pinned.
        var pinned = new URLSearchParams(window.location.search).get("tilanne");
        var query = pinned && !(view.query || {}).tilanne ? Object.assign({}, view.query, { tilanne: pinned }) : view.query;
        var target = window.location.pathname + queryString(query);
        if (target !== here()) {
          if (view.push === true) window.history.pushState({ tk: true }, "", target + window.location.hash);
          else window.history.replaceState(window.history.state, "", target + window.location.hash);
          shown = here();
        }
        refreshViewLinks();
        return NO_UPDATE();
      },

      stepYear: function (_prev, _next, year, marks) {
        var next = stepValue(markYears(marks), Number(year), triggeredId() === "area-prev-year" ? -1 : 1);
        return next === undefined || next === year ? NO_UPDATE() : next;
      },

      stepIndicator: function (_prev, _next, value, options) {
        var next = stepValue(indicatorValues(options), value, triggeredId() === "area-prev-ind" ? -1 : 1, true);
        return next === undefined || next === value ? NO_UPDATE() : next;
      },

      selectMunicipality: function (mapClick, barClick, current) {
        var id = triggeredId();
        var code = id === "area-map" ? pointCode(mapClick, "map") : pointCode(barClick, "bar");
        if (!code) return NO_UPDATE();
        // The whole-country map shows municipalities outside the county: only the county's are chosen.
        var st = window.tilannekuvaCore && window.tilannekuvaCore.store(layoutProp("area-data", "data"));
        if (st && !st.munis.some(function (m) { return m[0] === code; })) return NO_UPDATE();
        return code === current ? "" : code;
      },

      linkHover: function (mapHover, barHover, selected, barFigure) {
        var id = triggeredId();
        var code = id === "area-map" ? pointCode(mapHover, "map") : pointCode(barHover, "bar");
        if (!code) code = selected || null;
        var Patch = window.dash_clientside.Patch;
        var mapPatch = new Patch()
          .assign(["data", 1, "locations"], code ? [code] : [])
          .assign(["data", 1, "z"], code ? [0] : [])
          .build();
        var barPatch = NO_UPDATE();
        var st = window.tilannekuvaCore && window.tilannekuvaCore.store(layoutProp("area-data", "data"));
        var tok = st && st.tok;
        if (tok && barFigure && barFigure.data && barFigure.data[0] && barFigure.data[0].customdata) {
          var codes = barFigure.data[0].customdata.map(function (c) {
            return c[0];
          });
          barPatch = new Patch()
            .assign(["data", 0, "marker", "line", "color"], codes.map(function (c) {
              return c === code ? tok.highlight : tok.rank_outline;
            }))
            .assign(["data", 0, "marker", "line", "width"], codes.map(function (c) {
              return c === code ? 2.5 : 0.5;
            }))
            .build();
        }
        return [mapPatch, barPatch];
      },
  };

  // dcc.Slider's thumb (role="slider") has no accessible name of its own: give it the visible label
  // of its wrapper (data-tk-slider-label = id of the label element). Thumbs appear with each render.
  function labelSliders() {
    document.querySelectorAll("[data-tk-slider-label]").forEach(function (wrap) {
      var id = wrap.getAttribute("data-tk-slider-label");
      wrap.querySelectorAll("[role=slider]").forEach(function (thumb) {
        if (thumb.getAttribute("aria-labelledby") !== id) thumb.setAttribute("aria-labelledby", id);
      });
    });
  }
  new MutationObserver(labelSliders).observe(document.documentElement, { childList: true, subtree: true });

  // "Copy a link to this view": the URL always carries the whole view state.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand && document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) resolve();
      else reject(new Error("copy failed"));
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-tk-copy]") : null;
    if (!button) return;
    var status = document.getElementById(button.getAttribute("data-tk-copy"));
    // data-tk-copy-from: copy the text of that element (an alt text) instead of the view's URL.
    var from = button.getAttribute("data-tk-copy-from");
    var source = from ? document.getElementById(from) : null;
    var text = source ? source.textContent : window.location.href;
    copyText(text).then(
      function () {
        if (status) status.textContent = button.getAttribute("data-tk-copied") || "";
      },
      function () {
        if (status) status.textContent = text;
      }
    );
  });

  // Forum mode keys. Form controls keep their own arrow keys (select, slider, radio, text).
  var KEYS = {
    ArrowLeft: "area-prev-year",
    ArrowRight: "area-next-year",
    ArrowUp: "area-prev-ind",
    ArrowDown: "area-next-ind",
    PageUp: "area-prev-ind",
    PageDown: "area-next-ind",
  };
  document.addEventListener("keydown", function (event) {
    if (!document.body.classList.contains("tk-forum-on")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target || {};
    var tag = (target.tagName || "").toUpperCase();
    var role = target.getAttribute ? target.getAttribute("role") : null;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target.isContentEditable || role === "slider") return;
    var id = KEYS[event.key];
    if (!id) return;
    var button = document.getElementById(id);
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
