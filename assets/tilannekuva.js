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
  var routerUrl = here();
  window.addEventListener("_dashprivate_pushstate", function () {
    routerUrl = here();
  });
  window.addEventListener("popstate", function () {
    var url = here();
    if (url === routerUrl && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("tk-popstate", { data: Date.now() });
    }
    routerUrl = url;
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

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tilannekuva = {
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
        var target = window.location.pathname + queryString(view.query);
        if (target !== here()) {
          if (view.push === true) window.history.pushState({ tk: true }, "", target + window.location.hash);
          else window.history.replaceState(window.history.state, "", target + window.location.hash);
        }
        refreshViewLinks();
        return NO_UPDATE();
      },

      stepYear: function (_prev, _next, year, marks) {
        var years = Object.keys(marks || {})
          .map(Number)
          .filter(function (y) {
            return !isNaN(y);
          })
          .sort(function (a, b) {
            return a - b;
          });
        if (!years.length) return NO_UPDATE();
        var delta = triggeredId() === "area-prev-year" ? -1 : 1;
        var i = years.indexOf(Number(year));
        var j = i < 0 ? (delta < 0 ? years.length - 1 : 0) : Math.max(0, Math.min(years.length - 1, i + delta));
        return years[j] === year ? NO_UPDATE() : years[j];
      },

      stepIndicator: function (_prev, _next, value, options) {
        var values = (options || [])
          .filter(function (o) {
            return o && !o.disabled;
          })
          .map(function (o) {
            return o.value;
          });
        if (!values.length) return NO_UPDATE();
        var delta = triggeredId() === "area-prev-ind" ? -1 : 1;
        var i = values.indexOf(value);
        var j = i < 0 ? 0 : Math.max(0, Math.min(values.length - 1, i + delta));
        return values[j] === value ? NO_UPDATE() : values[j];
      },

      selectMunicipality: function (mapClick, barClick, current) {
        var id = triggeredId();
        var code = id === "area-map" ? pointCode(mapClick, "map") : pointCode(barClick, "bar");
        if (!code) return NO_UPDATE();
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
        if (barFigure && barFigure.data && barFigure.data[0] && barFigure.data[0].customdata) {
          var codes = barFigure.data[0].customdata.map(function (c) {
            return c[0];
          });
          barPatch = new Patch()
            .assign(["data", 0, "marker", "line", "color"], codes.map(function (c) {
              return c === code ? "#111111" : "rgba(0,0,0,0.25)";
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
    copyText(window.location.href).then(
      function () {
        if (status) status.textContent = button.getAttribute("data-tk-copied") || "";
      },
      function () {
        if (status) status.textContent = window.location.href;
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
