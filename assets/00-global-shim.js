/* Some npm modules inside the custom plotly.js bundle (assets/vendor/) refer to Node's `global`.
   esbuild leaves it as is unless told `--define:global=window`; this shim makes the bundle work
   either way. */
window.global = window.global || window;

/* The bundle is loaded only by pages that open with a chart (dashboard/__init__.py decides which).
   On the others, dcc.Graph loads plotly.js when a chart first appears, from the URL in
   window._dashPlotlyJSURL; Dash points that at its stock bundle, so the URL the server named in
   <meta name="tk-plotly-bundle"> is kept there instead. */
(function () {
  var meta = document.querySelector('meta[name="tk-plotly-bundle"]');
  if (!meta || !meta.content) return;
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () { return meta.content; },
    set: function () {}
  });
})();
