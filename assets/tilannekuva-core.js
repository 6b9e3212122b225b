/* Tilannekuva: the explorer drawn in the browser from the page's store.
 *
 * An area page carries all it can show for its indicators (dashboard/deliver/explorer.py): values,
 * formatted texts, map classes and legends per year, the county reference per year, dates, colours
 * and the download menu, all decided in Python. Switching the indicator, the year or the
 * municipality selects from the store and fills the figures, texts and tables here, with no
 * request. Tests compare the result with the server's charts (tests/browser/test_explorer_parity.py).
 *
 * Pure functions only (no DOM, no Dash): window.tilannekuvaCore. The clientside callback that uses
 * them is in tilannekuva.js. A static asset, so it runs under the strict CSP (script-src 'self').
 */
(function (root) {
  "use strict";

  var EN_DASH = "\u2013";
  // Colours come with the page's store ("tok", from dashboard/core/tokens.yaml): none is written here.
  var TOK = null;
  var HATCH = "/";
  var STATUS = { o: "ok", m: "missing", s: "suppressed", x: "secondary", "-": "missing" };
  var VERDICT = { b: "better", s: "similar", w: "worse", h: "higher", l: "lower", n: "none" };

  // --- numbers (dashboard/format.py) --------------------------------------------------------

  /* The digits of a non-negative number rounded to d decimals exactly as Python's format(x, ".df")
   * and round(x, d): on the exact binary value, ties to even. toFixed() rounds the exact value
   * too but breaks ties upwards, so an exact tie (2.5, 0.125, …) is resolved here. (Intl's
   * halfEven is no substitute: ICU rounds the shortest decimal form, so 2.675 would become 2.68.) */
  function fixedDigits(abs, d) {
    var s = abs.toFixed(d);
    var exact = abs.toFixed(Math.min(100, d + 30));
    var cut = exact.indexOf(".") + 1 + d;
    var tail = exact.slice(cut);
    if (tail.charAt(0) === "5" && /^50*$/.test(tail)) {
      var down = exact.slice(0, cut).replace(/\.$/, "");
      var last = down.charAt(down.length - 1);
      if ("02468".indexOf(last) >= 0) return down;
    }
    return s;
  }

  /* Python's round(value, decimals). */
  function round(value, decimals) {
    var v = Number(value);
    if (!isFinite(v)) return v;
    var r = Number(fixedDigits(Math.abs(v), decimals));
    return v < 0 || (v === 0 && 1 / v < 0) ? -r : r;
  }

  /* dashboard.i18n.t with values: "{name}" placeholders. */
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, key) {
      if (!values || !(key in values)) return whole;
      var v = values[key];
      return v === null || v === undefined ? "None" : String(v);
    });
  }

  function cmp(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // --- the store ------------------------------------------------------------------------------

  var parsed = { src: null, data: null };

  function store(json) {
    if (typeof json !== "string" || !json) return null;
    if (parsed.src !== json) {
      parsed.data = JSON.parse(json);
      parsed.src = json;
      TOK = parsed.data.tok;
    }
    return parsed.data;
  }

  var parsedCountry = { src: null, data: null };

  /* The whole-country map's store (area-country, dashboard/deliver/explorer.py country_payload). */
  function countryStore(json) {
    if (typeof json !== "string" || !json) return null;
    if (parsedCountry.src !== json) {
      parsedCountry.data = JSON.parse(json);
      parsedCountry.src = json;
    }
    return parsedCountry.data;
  }

  function T(st, key, values) {
    return fill(st.t[key], values);
  }

  /* A model.Cell of region ``code`` in ``year``. */
  function cell(st, ind, code, name, year) {
    var i = year === null ? -1 : ind.Y.indexOf(year);
    var r = ind.r[code];
    var letter = r && i >= 0 ? r[1].charAt(i) : "-";
    var flags = r && i >= 0 ? Number(r[2].charAt(i)) : 0;
    var status = STATUS[letter];
    var value = status === "ok" ? r[0][i] : null;
    return {
      code: code, name: name, value: value, status: status, row: letter !== "-",
      synthetic: (flags & 1) === 1, provisional: (flags & 2) === 2,
      text: r && i >= 0 ? r[3][i] : EN_DASH,
      cite: ind.c && ind.c[code] && i >= 0 ? ind.c[code][i] : "",  // a cited value's tooltip line (Python)
      verdict: ind.vc[code] && i >= 0 ? VERDICT[ind.vc[code].charAt(i)] : "none",
    };
  }

  /* model.indicator_year: one indicator in one year across the county. */
  function indicatorYear(st, key, year) {
    var ind = st.ind[key];
    var years = ind.years;
    if (year === null || year === undefined || years.indexOf(year) < 0) year = years.length ? years[years.length - 1] : null;
    var munis = st.byName.map(function (k) { return cell(st, ind, st.munis[k][0], st.munis[k][1], year); });
    var yr = year === null ? -1 : ind.Y.indexOf(year);
    var ref = ind.ref.charAt(yr >= 0 ? yr : ind.Y.length) === "w" ? st.welfare : st.county;  // decided in Python (model.reference_code)
    var county = cell(st, ind, ref[0], ref[1], year);
    var country = cell(st, ind, st.country[0], st.country[1], year);
    if (st.bench) {  // the chosen comparison (charts.with_benchmark): its benchmark is the reference
      if (st.bench[0] === st.country[0]) country = county;
      county = cell(st, ind, st.bench[0], st.bench[1], year);
    }
    var cells = munis.concat([county, country]);
    var yi = year === null ? -1 : ind.Y.indexOf(year);
    return {
      key: key, ind: ind, year: year, years: years, municipalities: munis, county: county, country: country,
      classes: ind.K[year === null ? 0 : years.indexOf(year)],  // decided in Python (explorer._classes)
      loadDate: yi >= 0 ? ind.md[yi] : null,
      synthetic: cells.some(function (c) { return c.synthetic && c.status !== "missing"; }),
    };
  }

  /* model.series of one region. */
  function series(st, ind, code, name) {
    var s = { code: code, name: name, years: [], values: [], statuses: [], synthetic: [], texts: [], cites: [] };
    var r = ind.r[code];
    var c = ind.c && ind.c[code];
    if (!r) return s;
    ind.Y.forEach(function (y, i) {
      var letter = r[1].charAt(i);
      if (letter === "-") return;
      var status = STATUS[letter];
      var shown = status === "ok";
      s.years.push(y);
      s.values.push(shown ? r[0][i] : null);
      s.statuses.push(status);
      s.synthetic.push((Number(r[2].charAt(i)) & 1) === 1);
      s.texts.push(r[3][i]);
      s.cites.push(c ? c[i] : "");
    });
    return s;
  }

  // --- figures (dashboard/figures/*.py) -------------------------------------------------------

  /* The map classes of the view, from the store: {idx: class of each municipality, colors}. */
  function categories(iy) {
    return { idx: iy.classes[0], colors: iy.classes[1] };
  }

  function steppedColorscale(colors) {
    var n = colors.length, out = [];
    colors.forEach(function (c, i) { out.push([i / n, c]); out.push([(i + 1) / n, c]); });
    return out;
  }

  /* figures.map.legend_items: (label, colour) of the entries shown (from the store). */
  function legendItems(st, iy) {
    return iy.classes[2];
  }

  /* components.map_legend's items (the children of the HTML legend). */
  function legendChildren(items) {
    return items.map(function (e) {
      return h("Li", { children: [
        h("Span", { children: null, className: "tk-legend__swatch", style: { background: e[1] }, "aria-hidden": "true" }),
        h("Span", { children: e[0], className: "tk-legend__label" }),
      ], className: "tk-legend__item" });
    });
  }

  /* figures.map.value_patch of the page's map (screen_figure: fill, highlight and label traces;
   * the legend is HTML): the values that change with the indicator, year or municipality, as
   * [path, value] operations. */
  function mapOperations(st, iy, highlight) {
    var cells = iy.municipalities;
    var cat = categories(iy);
    var fills = cat.idx.map(function (i) { return cat.colors[i]; });
    var codes = cells.map(function (c) { return c.code; });
    var note = T(st, "chart.synthetic_point");
    var lit = highlight && codes.indexOf(highlight) >= 0;
    return [
      [["data", 0, "z"], cat.idx.map(function (i) { return i + 0.5; })],
      [["data", 0, "zmax"], cat.colors.length],
      [["data", 0, "colorscale"], steppedColorscale(cat.colors)],
      [["data", 0, "customdata"], cells.map(function (c) { return [c.text, c.synthetic ? note : c.cite]; })],
      [["data", 0, "marker", "line", "color"], cells.map(function (c) {
        return c.status === "missing" ? st.colors.noDataOutline : st.colors.outline;
      })],
      [["data", 0, "marker", "line", "width"], cells.map(function (c) { return c.status === "missing" ? 1.0 : 1.5; })],
      [["data", 1, "locations"], lit ? [highlight] : []],
      [["data", 1, "z"], lit ? [0] : []],
      [["data", 2, "text"], cells.map(function (c) {
        return "<b>" + c.name + "</b><br>" + c.text + (c.synthetic ? " *" : "");
      })],
      [["data", 2, "textfont", "color"], fills.map(function (f) { return st.textColor[f] || TOK.text; })],
      [["layout", "annotations"], []],
    ];
  }

  /* One indicator and year of the whole-country map, from its store (classes decided in Python:
   * explorer._country_classes), aligned with the area store's years. */
  function countryYear(st, cst, key, year) {
    var ind = st.ind[key];
    var c = cst && cst.ind ? cst.ind[key] : null;
    if (!ind || !c) return null;
    var years = ind.years;
    if (year === null || year === undefined || years.indexOf(year) < 0) year = years.length ? years[years.length - 1] : null;
    var k = c.K[year === null ? 0 : years.indexOf(year)];
    // 0: no whole-country values that year (Python's COUNTRY_COVERAGE): every municipality without data.
    var summary = k ? k[6] : fill(cst.nv, { year: year === null ? "" : year });
    if (!k) k = cst.empty;
    return { year: year, idx: k[0], colors: k[1], legend: k[2], texts: k[3], status: k[4], flags: k[5], summary: summary };
  }

  /* figures.map.value_patch of the whole-country map: its fill and highlight (it has no labels). */
  function countryOperations(st, cst, cy, highlight) {
    var note = T(st, "chart.synthetic_point");
    var lit = highlight && cst.codes.indexOf(highlight) >= 0;
    var missing = function (i) { var s = cy.status.charAt(i); return s === "m" || s === "-"; };
    return [
      [["data", 0, "z"], cy.idx.map(function (i) { return i + 0.5; })],
      [["data", 0, "zmax"], cy.colors.length],
      [["data", 0, "colorscale"], steppedColorscale(cy.colors)],
      [["data", 0, "customdata"], cy.texts.map(function (text, i) { return [text, cy.flags.charAt(i) === "1" ? note : ""]; })],
      [["data", 0, "marker", "line", "color"], cy.texts.map(function (_t, i) {
        return missing(i) ? st.colors.noDataOutline : st.colors.outline;
      })],
      [["data", 0, "marker", "line", "width"], cy.texts.map(function (_t, i) { return missing(i) ? cst.lw[1] : cst.lw[0]; })],
      [["data", 1, "locations"], lit ? [highlight] : []],
      [["data", 1, "z"], lit ? [0] : []],
      [["layout", "annotations"], []],
    ];
  }

  /* The operations as a Dash Patch (dash_clientside.Patch). */
  function mapPatch(st, iy, highlight, Patch, ops) {
    var p = new Patch();
    (ops || mapOperations(st, iy, highlight)).forEach(function (op) { p.assign(op[0], op[1]); });
    return p.build();
  }

  function sameValue(a, b) {
    if (a === b) return true;
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function current(obj, path) {
    for (var k = 2; k < path.length; k++) {
      if (obj === undefined || obj === null) return undefined;
      obj = obj[path[k]];
    }
    return obj;
  }

  /* The operations applied to a copy of a figure's data (only the changed traces are copied; an
   * operation that sets the value already there is left out, so plotly.js redraws only what changed:
   * outlines and line widths mostly stay). */
  function applyOperations(data, ops) {
    var out = data.slice();
    var copied = {};
    ops.forEach(function (op) {
      var path = op[0];
      if (path[0] !== "data") return;
      var i = path[1];
      if (sameValue(current(out[i], path), op[1])) return;
      if (!copied[i]) { out[i] = clone(out[i]); copied[i] = true; }
      var obj = out[i];
      for (var k = 2; k < path.length - 1; k++) {
        if (obj[path[k]] === undefined || obj[path[k]] === null) obj[path[k]] = {};
        obj = obj[path[k]];
      }
      obj[path[path.length - 1]] = op[1];
    });
    return out;
  }

  /* IndicatorYear.ranked: by value (largest first), then hidden, then missing, each by name. */
  function ranked(iy) {
    var shown = iy.municipalities.filter(function (c) { return c.status === "ok"; });
    var rest = iy.municipalities.filter(function (c) { return c.status !== "ok"; });
    shown.sort(function (a, b) { return b.value - a.value || cmp(a.name, b.name); });
    rest.sort(function (a, b) {
      return ((a.status !== "suppressed") - (b.status !== "suppressed")) || cmp(a.name, b.name);
    });
    return shown.concat(rest);
  }

  function clone(obj) {
    return JSON.parse(JSON.stringify(obj));
  }

  /* figures.bar.bar_figure for the view, keeping the layout and trace styles of ``current``. */
  function barFigure(st, iy, highlight, current, cy, cst) {
    var rank = ranked(iy);
    var cat = categories(iy);
    var colorBy = {};
    iy.municipalities.forEach(function (c, i) { colorBy[c.code] = cat.colors[cat.idx[i]]; });
    if (cy) {
      // Beside the whole-country map the bars take its classes (charts._bar).
      iy.municipalities.forEach(function (c) {
        var j = cst.codes.indexOf(c.code);
        if (j >= 0) colorBy[c.code] = cy.colors[cy.idx[j]];
      });
    }
    var syntheticLabel = T(st, "chart.synthetic_point");
    var values = rank.map(function (c) { return c.status === "ok" ? c.value : null; });
    var shown = values.filter(function (v) { return v !== null; });
    // A count's totals stay off the axis (ind.tot, decided in Python: charts._bar).
    var onAxis = iy.ind.tot ? [] : [iy.county, iy.country];
    var refs = onAxis.filter(function (c) { return c && c.status === "ok"; })
      .map(function (c) { return c.value; });
    var all = shown.concat(refs, [0.0]);
    var top = Math.max.apply(null, all);
    var low = Math.min.apply(null, all);
    var span = (top - low) || 1.0;
    var fig = clone(current);
    var base0 = fig.data[0], base1 = fig.data[1];
    base0.y = rank.map(function (c) { return c.name; });
    base0.x = values;
    base0.text = rank.map(function (c) {
      return c.status === "ok" ? c.text + (c.synthetic ? " *" : "") : "";
    });
    base0.marker.color = rank.map(function (c) { return colorBy[c.code] || TOK.no_class; });
    base0.marker.line.color = rank.map(function (c) { return c.code === highlight ? TOK.highlight : TOK.rank_outline; });
    base0.marker.line.width = rank.map(function (c) { return c.code === highlight ? 2.5 : 0.5; });
    base0.marker.pattern.shape = rank.map(function (c) { return c.synthetic && c.status === "ok" ? HATCH : ""; });
    base0.customdata = rank.map(function (c) { return [c.code, c.name, c.text, c.synthetic ? syntheticLabel : c.cite]; });
    var hidden = rank.filter(function (c) { return c.status !== "ok"; });
    base1.y = hidden.map(function (c) { return c.name; });
    base1.x = hidden.map(function () { return low; });
    base1.text = hidden.map(function (c) {
      return c.status === "suppressed" || c.status === "secondary" ? T(st, "bar.hidden", { text: c.text })
        : T(st, "bar.missing", { text: c.text });
    });
    base1.customdata = hidden.map(function (c) { return [c.code, c.name, c.text, ""]; });
    var data = [base0, base1];
    var shapes = [];
    [[onAxis[0], TOK.county, "solid"], [onAxis[1], TOK.country, "dash"]].forEach(function (spec) {
      var ref = spec[0];
      if (!ref || ref.status !== "ok") return;
      shapes.push({ type: "line", xref: "x", yref: "paper", x0: ref.value, x1: ref.value, y0: 0, y1: 1,
        line: { color: spec[1], width: 2, dash: spec[2] }, layer: "above" });
      data.push({ type: "scatter", mode: "lines", name: ref.name + " " + ref.text, x: [null], y: [null],
        line: { color: spec[1], width: 2, dash: spec[2] }, hoverinfo: "skip", showlegend: true });
    });
    if (rank.some(function (c) { return c.synthetic && c.status === "ok"; })) {
      data.push({ type: "bar", orientation: "h", name: T(st, "chart.synthetic_legend"), x: [null], y: [null],
        marker: { color: TOK.bg, line: { color: TOK.outline, width: 1 },
          pattern: { shape: HATCH, fillmode: "overlay", fgcolor: TOK.text, fgopacity: 0.5, size: 7, solidity: 0.15 } },
        showlegend: true, hoverinfo: "skip" });
    }
    fig.data = data;
    fig.layout.shapes = shapes;
    fig.layout.annotations = [];
    fig.layout.xaxis.range = [Math.min(0.0, low - 0.02 * span), top + 0.24 * span];
    fig.layout.xaxis.title.text = iy.ind.unit;
    return { figure: fig, ranked: rank };
  }

  function trendView(st, key, municipality) {
    var ind = st.ind[key];
    var codes = st.munis.map(function (m) { return m[0]; });
    var focusCode = municipality && codes.indexOf(municipality) >= 0 ? municipality : null;
    var ref = ind.tref === "w" ? st.welfare : st.county;  // decided in Python (model.reference_code)
    var county = series(st, ind, ref[0], ref[1]);
    var country = series(st, ind, st.country[0], st.country[1]);
    if (st.bench) {  // the chosen comparison (charts._trend)
      if (st.bench[0] === st.country[0]) country = county;
      county = series(st, ind, st.bench[0], st.bench[1]);
    }
    var focus = focusCode ? series(st, ind, focusCode, st.munis[codes.indexOf(focusCode)][1]) : null;
    var context = st.munis.filter(function (m) { return m[0] !== focusCode; })
      .map(function (m) { return series(st, ind, m[0], m[1]); })
      .filter(function (s) { return s.years.length; });
    var shown = [focus, county, country].filter(function (s) { return s !== null; });
    var dates = shown.map(function (s) { return ind.rd[s.code]; }).filter(function (d) { return d; });
    return {
      ind: ind, focus: focus, county: county, country: country, context: context, shown: shown,
      synthetic: shown.some(function (s) { return s.synthetic.some(Boolean); }),
      loadDate: dates.length ? dates.reduce(function (a, b) { return b > a ? b : a; }) : null,
    };
  }

  function roundAll(values, digits) {
    return values.map(function (v) { return v === null ? null : round(v, digits); });
  }

  /* figures.trend.trend_figure for the view, keeping the layout of ``current``; the series-break
   * markers are the ones Python drew for the indicator (store ``tb``, figures.trend.break_marks). */
  function trendFigure(st, tv, current, forum) {
    var digits = tv.ind.dec + 2;
    var data = [];
    tv.context.forEach(function (s) {
      data.push({ type: "scatter", mode: "lines", name: s.name, x: s.years, y: roundAll(s.values, digits),
        line: { color: TOK.context, width: 1 }, hoverinfo: "skip", showlegend: false, legendgroup: "context",
        connectgaps: false });
    });
    if (tv.context.length) {
      data.push({ type: "scatter", mode: "lines", name: st.context, x: [null], y: [null],
        line: { color: TOK.context, width: 1 }, hoverinfo: "skip", showlegend: true });
    }
    // A count's country total stays off the axis (ind.tot, decided in Python: charts._trend).
    var country = tv.ind.tot ? null : tv.country;
    [[country, TOK.country, 2, "dash", 6], [tv.county, TOK.county, 2.5, "solid", 7], [tv.focus, TOK.accent, 3.5, "solid", 9]]
      .forEach(function (spec) {
        var s = spec[0];
        if (!s || !s.years.length) return;
        data.push({ type: "scatter", mode: "lines+markers", name: s.name, x: s.years, y: roundAll(s.values, digits),
          line: { color: spec[1], width: spec[2], dash: spec[3] },
          marker: { color: spec[1], size: spec[4], symbol: s.synthetic.map(function (x) { return x ? "circle-open" : "circle"; }),
            line: { color: spec[1], width: 2 } },
          customdata: s.texts.map(function (text, i) { return s.cites[i] ? text + "<br>" + s.cites[i] : text; }),
          hovertemplate: "<b>" + s.name + "</b> %{x}<br>%{customdata}<extra></extra>",
          connectgaps: false });
      });
    if ([tv.focus, tv.county, country].some(function (s) { return s && s.synthetic.some(Boolean); })) {
      data.push({ type: "scatter", mode: "markers", name: T(st, "chart.synthetic_legend"), x: [null], y: [null],
        marker: { symbol: "circle-open", size: 9, color: TOK.muted, line: { width: 2 } }, hoverinfo: "skip", showlegend: true });
    }
    var everything = [tv.focus, tv.county, country].concat(tv.context).filter(function (s) { return s; });
    var yearSet = {};
    var values = [];
    everything.forEach(function (s) {
      s.years.forEach(function (y) { yearSet[y] = true; });
      s.values.forEach(function (v) { if (v !== null) values.push(v); });
    });
    var years = Object.keys(yearSet).map(Number).sort(function (a, b) { return a - b; });
    var fig = clone(current);
    fig.data = data;
    var marks = tv.ind.tb || [[], [], []];
    var notBreak = function (item) { return item.name !== "break"; };
    var shapes = (fig.layout.shapes || []).filter(notBreak).concat(clone(marks[0]));
    if (shapes.length) fig.layout.shapes = shapes; else delete fig.layout.shapes;
    fig.layout.annotations = (fig.layout.annotations || []).filter(notBreak).concat(clone(forum ? marks[2] : marks[1]));
    fig.layout.yaxis.title.text = tv.ind.unit;
    fig.layout.yaxis.rangemode = values.length && Math.min.apply(null, values) >= 0 ? "tozero" : "normal";
    var x = fig.layout.xaxis;
    delete x.tickmode;
    delete x.tickvals;
    delete x.ticktext;
    if (years.length && years[years.length - 1] - years[0] <= 14) {
      x.tickmode = "array";
      x.tickvals = years;
      x.ticktext = years.map(String);
    }
    return fig;
  }

  // --- texts (dashboard/charts.py) ------------------------------------------------------------

  function sourceText(st, source, dataDate, synthetic) {
    var parts = [source];
    if (dataDate) parts.push(T(st, "chart.data_date", { date: st.dt[dataDate] || dataDate }));
    if (synthetic) parts.push(T(st, "chart.synthetic_note"));
    return parts.join(" \u00b7 ");
  }

  function subtitle(st, iy) {
    return [iy.ind.unit, iy.year !== null ? String(iy.year) : "", st.place].filter(Boolean).join(" \u00b7 ");
  }

  /* charts._no_values: "Ei arvoja 2024." or, with no year, "Ei arvoja." */
  function noValues(st, year) {
    return year === null || year === undefined ? T(st, "summary.none") : T(st, "summary.no_values", { year: year });
  }

  function summaryValues(st, iy) {
    var shown = iy.municipalities.filter(function (c) { return c.status === "ok"; });
    if (!shown.length) return noValues(st, iy.year);
    var hi = shown[0], lo = shown[0];
    shown.forEach(function (c) { if (c.value > hi.value) hi = c; if (c.value < lo.value) lo = c; });
    var parts = [T(st, "summary.range", { year: iy.year, high: hi.name, high_value: hi.text, low: lo.name, low_value: lo.text })];
    if (iy.county.status === "ok") parts.push(T(st, "summary.reference", { name: iy.county.name, value: iy.county.text }));
    if (iy.country.status === "ok") parts.push(T(st, "summary.reference", { name: iy.country.name, value: iy.country.text }));
    var missing = iy.municipalities.length - shown.length;
    if (missing) parts.push(T(st, "summary.missing", { count: missing }));
    return parts.join(" ");
  }

  function summaryRanking(st, rank, iy) {
    var shown = rank.filter(function (c) { return c.status === "ok"; });
    if (!shown.length) return noValues(st, iy.year);
    var order = shown.map(function (c) { return c.name + " " + c.text; }).join(", ");
    var text = T(st, "summary.ranking", { year: iy.year, order: order });
    if (iy.ind.tot) text += " " + T(st, "classes.count_refs", { county: iy.county.name, county_value: iy.county.text,
      country: iy.country.name, country_value: iy.country.text });
    else if (iy.county.status === "ok") text += " " + T(st, "summary.reference", { name: iy.county.name, value: iy.county.text });
    return text;
  }

  function trendTexts(st, tv) {
    var ind = tv.ind;
    var who = tv.focus ? tv.focus.name : tv.county.name;
    var sub = [ind.unit, tv.focus
      ? T(st, "trend.subtitle", { name: who, county: tv.county.name, country: tv.country.name })
      : T(st, "trend.subtitle_county", { county: tv.county.name, country: tv.country.name })].join(" \u00b7 ");
    var parts = [];
    tv.shown.forEach(function (s) {
      var vals = [];
      s.years.forEach(function (y, i) { if (s.values[i] !== null) vals.push([y, s.texts[i]]); });
      if (vals.length) {
        parts.push(T(st, "summary.trend", { name: s.name, first_year: vals[0][0], first: vals[0][1],
          last_year: vals[vals.length - 1][0], last: vals[vals.length - 1][1], trend: ind.tw[s.code] }));
      }
    });
    if (ind.tot && tv.country.years.length) parts.push(T(st, "classes.count_trend", { country: tv.country.name }));
    return {
      title: ind.title, subtitle: sub,
      summary: parts.join(" ") || noValues(st, null),
      source: sourceText(st, ind.src.tiles, tv.loadDate, tv.synthetic),
    };
  }

  // --- tables (dashboard/components.py) -------------------------------------------------------

  function h(type, props) {
    return { type: type, namespace: "dash_html_components", props: props };
  }

  /* components.data_table for rows of text: caption, column headers, first column as row header. */
  function dataTable(st, caption, cols, rows, numeric) {
    if (!cols.length || !rows.length) {
      return h("P", { children: [h("Strong", { children: caption + ": " }), T(st, "table.no_values")],
        className: "tk-hint" });
    }
    // Props in the order Dash serialises them (children, className, scope): same HTML as the server's.
    function cellProps(c, text, scope) {
      var props = { children: text };
      if (numeric.indexOf(c) >= 0) props.className = "is-num";
      if (scope) props.scope = scope;
      return props;
    }
    var head = h("Thead", { children: h("Tr", { children: cols.map(function (c) {
      return h("Th", cellProps(c, c, "col"));
    }) }) });
    var body = rows.map(function (row) {
      return h("Tr", { children: row.map(function (text, i) {
        return i === 0 ? h("Th", cellProps(cols[i], text, "row")) : h("Td", cellProps(cols[i], text));
      }) });
    });
    return h("Table", { children: [h("Caption", { children: caption }), head, h("Tbody", { children: body })],
      className: "tk-table" });
  }

  function note(st, c) {
    var notes = [];
    if (c.status === "suppressed" || c.status === "secondary") notes.push(T(st, "table.note_hidden"));
    else if (c.status === "missing") notes.push(T(st, "table.note_missing"));
    if (c.synthetic) notes.push(T(st, "table.note_synthetic"));
    if (c.provisional) notes.push(T(st, "table.note_provisional"));
    return notes.join("; ");
  }

  function barTable(st, iy, rank, caption) {
    var shownCol = T(st, "table.shown");
    var rankCol = T(st, "table.rank");
    var cols = [rankCol, T(st, "table.region"), shownCol, T(st, "table.vs_county", { county: iy.county.name }),
      T(st, "table.note")];
    var rows = [];
    var n = 0;
    rank.forEach(function (c) {
      var r = null;
      if (c.status === "ok") { n += 1; r = n; }
      rows.push([r === null ? EN_DASH : String(r), c.name, c.text,
        c.status === "ok" && c.verdict !== "none" ? T(st, "compare." + c.verdict) : "", note(st, c)]);
    });
    [iy.county, iy.country].forEach(function (c) { rows.push([EN_DASH, c.name, c.text, "", note(st, c)]); });
    return dataTable(st, caption, cols, rows, [rankCol, shownCol]);
  }

  function trendTable(st, tv, caption) {
    var shownCol = T(st, "table.shown");
    var cols = [T(st, "table.year")].concat(tv.shown.map(function (s) { return s.name + ": " + shownCol; }));
    var yearSet = {};
    tv.shown.forEach(function (s) { s.years.forEach(function (y) { yearSet[y] = true; }); });
    var years = Object.keys(yearSet).map(Number).sort(function (a, b) { return a - b; });
    var rows = years.map(function (y) {
      return [String(y)].concat(tv.shown.map(function (s) {
        var i = s.years.indexOf(y);
        return i >= 0 ? s.texts[i] + (s.synthetic[i] ? " *" : "") : EN_DASH;
      }));
    });
    return dataTable(st, caption, cols, rows, cols.slice(1));
  }

  // --- view state, links ----------------------------------------------------------------------

  function yearMarks(years) {
    var marks = {};
    if (!years.length) return marks;
    var step = years.length <= 12 ? 1 : years.length <= 20 ? 2 : 5;
    years.forEach(function (y, i) {
      var show = i === 0 || i === years.length - 1 ||
        (y % step === 0 && years[years.length - 1] - y >= step / 2 && y - years[0] >= step / 2);
      marks[y] = show ? String(y) : "";
    });
    return marks;
  }

  /* ViewState.query: the URL parameters, defaults left out. */
  function query(view) {
    var q = {};
    if (view.indicator) q.indikaattori = view.indicator;
    if (view.year !== null && view.year !== undefined) q.vuosi = String(view.year);
    if (view.municipality) q.kunta = view.municipality;
    if (view.mode === "tiles") q.kartta = "ruudut";
    if (view.mode === "country") q.kartta = "suomi";
    if (view.lang !== "fi") q.kieli = view.lang;
    if (view.forum) q.esitys = "1";
    if (view.comparison && view.comparison !== "maakunta") q.vertailu = view.comparison;
    if (view.breakdown) q.jako = view.breakdown;
    return q;
  }

  /* urllib.parse.urlencode (quote_plus). */
  function urlencode(params) {
    return Object.keys(params).map(function (k) {
      var enc = function (s) {
        return encodeURIComponent(String(s)).replace(/%20/g, "+").replace(/[!'()*]/g, function (ch) {
          return "%" + ch.charCodeAt(0).toString(16).toUpperCase();
        });
      };
      return enc(k) + "=" + enc(params[k]);
    }).join("&");
  }

  /* export_routes.download_links: href of each download of ``kind`` in the view, keyed by the
   * menu entry (the menu comes with the store: dashboard.deliver.export.FORMATS). */
  function downloadHrefs(menu, kind, view) {
    var base = { sivu: view.page };
    var q = query(view);
    Object.keys(q).forEach(function (k) { base[k] = q[k]; });
    return menu.map(function (m) {
      var params = {};
      Object.keys(base).forEach(function (k) { params[k] = base[k]; });
      if (m[2]) params.koko = m[2];
      var text = urlencode(params);
      return "/vienti/" + kind + "." + m[1] + (text ? "?" + text : "");
    });
  }

  function pageHref(path, view) {
    var q = {};
    if (view.lang !== "fi") q.kieli = view.lang;
    if (view.forum) q.esitys = "1";
    var text = urlencode(q);
    return path + (text ? "?" + text : "");
  }

  function banner(st) {
    return h("Div", { children: [h("Strong", { children: T(st, "banner.synthetic") }), " ",
      h("Span", { children: T(st, "banner.synthetic_detail") })], className: "tk-banner tk-banner--synthetic" });
  }

  /* Everything the explorer shows for a view ({indicator, year, municipality, mode, forum}).
   * ``parts``: which charts to rebuild ({map, bar, trend}); the rest is returned as null. */
  function explore(st, view, figures, Patch, parts, cst) {
    var iy = indicatorYear(st, view.indicator, view.year);
    var v = { page: st.page, indicator: view.indicator, year: iy.year, municipality: view.municipality || null,
      mode: view.mode === "tiles" || view.mode === "country" ? view.mode : "geo", lang: st.lang, forum: !!view.forum,
      comparison: st.cmp || "maakunta", breakdown: st.ind[view.indicator].jako || null };
    var out = { view: v, iy: iy, years: iy.years };
    var title = iy.ind.title;
    var sub = subtitle(st, iy);
    var caption = title + (sub ? " (" + sub + ")" : "");
    var cy = v.mode === "country" ? countryYear(st, cst, view.indicator, iy.year) : null;
    if (parts.map && cy) {
      out.map = mapPatch(st, iy, v.municipality, Patch, countryOperations(st, cst, cy, v.municipality));
      out.legend = legendChildren(cy.legend);
      out.mapTexts = { title: title, subtitle: [iy.ind.unit, iy.year !== null ? String(iy.year) : "", cst.place]
        .filter(Boolean).join(" \u00b7 "), summary: cy.summary,
        source: sourceText(st, iy.ind.src.geo, iy.loadDate, iy.synthetic) };
    } else if (parts.map) {
      out.map = mapPatch(st, iy, v.municipality, Patch);
      out.legend = legendChildren(legendItems(st, iy));
      out.mapTexts = { title: title, subtitle: sub, summary: summaryValues(st, iy),
        source: sourceText(st, iy.ind.src[v.mode === "country" ? "geo" : v.mode], iy.loadDate, iy.synthetic) };
    }
    var bar = barFigure(st, iy, v.municipality, figures.bar, cy, cst);
    if (parts.bar) {
      out.bar = bar.figure;
      out.barTexts = { title: title, subtitle: sub, summary: summaryRanking(st, bar.ranked, iy),
        source: sourceText(st, iy.ind.src.tiles, iy.loadDate, iy.synthetic) };
      out.barTable = barTable(st, iy, bar.ranked, caption);
    }
    var tv = trendView(st, view.indicator, v.municipality);
    if (parts.trend) {
      out.trend = trendFigure(st, tv, figures.trend, v.forum);
      out.trendTexts = trendTexts(st, tv);
      out.trendTable = trendTable(st, tv, out.trendTexts.title + " (" + out.trendTexts.subtitle + ")");
    }
    out.synthetic = iy.synthetic || tv.synthetic || !!st.statusSynthetic;
    out.banner = out.synthetic ? banner(st) : null;
    out.query = query(v);
    out.hrefs = {};
    st.kinds.forEach(function (kind) {
      var hrefs = downloadHrefs(st.menu, kind, v);
      st.menu.forEach(function (m, j) { out.hrefs["area-" + kind + "-vienti-" + m[0] + ".href"] = hrefs[j]; });
    });
    out.indicatorHref = pageHref("/indikaattori/" + v.indicator, v);
    // The comparison picker's links keep the view; a set formed for another municipality (cmpBy)
    // is made by the server: the page is loaded again (``reload``).
    out.cmpHrefs = {};
    (st.cmps || []).forEach(function (c) {
      var q = query({ indicator: v.indicator, year: v.year, municipality: v.municipality, mode: v.mode, lang: v.lang,
        forum: v.forum, comparison: c });
      var text = urlencode(q);
      out.cmpHrefs["area-vertailu-" + c + ".href"] = st.path + (text ? "?" + text : "");
    });
    out.reload = st.cmpBy !== null && st.cmpBy !== undefined && (v.municipality || "") !== st.cmpBy
      ? out.cmpHrefs["area-vertailu-" + st.cmp + ".href"] : null;
    out.breakdown = breakdownNav(st, v);
    out.marks = yearMarks(iy.years);
    return out;
  }

  /* breakdown.toggle: the links Python listed for the indicator (store ``bd``), each a whole view. */
  function breakdownNav(st, v) {
    var bd = st.ind[v.indicator].bd;
    if (!bd) return null;
    var items = bd.map(function (c) {
      var view = {};
      Object.keys(v).forEach(function (k) { view[k] = v[k]; });
      view.breakdown = c[2] || null;
      var text = urlencode(query(view));
      var current = view.breakdown === v.breakdown;
      var props = { children: c[1], href: st.path + (text ? "?" + text : ""), id: "area-breakdown-" + c[0],
        className: "tk-breakdown__link" + (current ? " is-current" : "") };
      if (current) props["aria-current"] = "true";
      return h("Li", { children: h("A", props), className: "tk-breakdown__item" });
    });
    return h("Nav", { children: [h("Span", { children: st.bdl, id: "area-breakdown-h", className: "tk-label" }),
      h("Ul", { children: items, className: "tk-breakdown__list" })], className: "tk-breakdown", id: "area-breakdown",
      "aria-labelledby": "area-breakdown-h" });
  }

  /* The year a slider step to ``year`` should show when ``year`` itself has no data: the next year
   * with data in the direction of the step from ``from`` (the year shown before). Years with gaps
   * (2012, 2014, 2015) give the slider a step of one; without this a step onto 2013 would fall
   * back to the latest year. No ``from``, or no year that way: ``year`` unchanged (the explorer then
   * shows the latest year, as the server does for such a URL). */
  function snapYear(years, year, from) {
    if (typeof year !== "number" || years.indexOf(year) >= 0 || typeof from !== "number" || year === from) return year;
    var ahead = years.filter(function (y) { return year > from ? y >= year : y <= year; });
    if (!ahead.length) return year;
    return year > from ? ahead[0] : ahead[ahead.length - 1];
  }

  root.tilannekuvaCore = {
    round: round, fill: fill,
    store: store, countryStore: countryStore, countryYear: countryYear, countryOperations: countryOperations,
    indicatorYear: indicatorYear, series: series, mapPatch: mapPatch, mapOperations: mapOperations,
    applyOperations: applyOperations, legendItems: legendItems, barFigure: barFigure,
    trendView: trendView, trendFigure: trendFigure, yearMarks: yearMarks, query: query, urlencode: urlencode,
    downloadHrefs: downloadHrefs, pageHref: pageHref, explore: explore, snapYear: snapYear,
    setTokens: function (tok) { TOK = tok; },
  };
})(window);
