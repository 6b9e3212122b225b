/* Embed page glue: draw the figure the server put in #tk-embed-figure (plotly, local bundle).
   The server decided everything; without JavaScript the page keeps its table and texts. */
(function () {
  "use strict";
  var data = document.getElementById("tk-embed-figure");
  var target = document.getElementById("tk-embed-chart");
  if (!data || !target || !window.Plotly) { return; }
  var spec = JSON.parse(data.textContent);
  window.Plotly.newPlot(target, spec.data || [], spec.layout || {}, spec.config || {}).then(function () {
    document.documentElement.setAttribute("data-rendered", "1");
  });
}());
