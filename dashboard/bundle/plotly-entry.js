// Custom plotly.js bundle for Tilannekuva: only the trace types the dashboard draws
// (scatter is in core; bar; choropleth and scattergeo for the maps) and the fi/sv locales.
// Built by `make install` (npm run build:plotly) into assets/vendor/, where Dash serves it; dcc.Graph
// then uses window.Plotly instead of loading the full 4.8 MB bundle. The version must match the
// plotly.js that plotly.py ships (tests/test_bundle.py checks it).
var Plotly = require('plotly.js/lib/core');

Plotly.register([
  require('plotly.js/lib/bar'),
  require('plotly.js/lib/choropleth'),
  require('plotly.js/lib/scattergeo'),
  require('plotly.js/lib/locales/fi'),
  require('plotly.js/lib/locales/sv')
]);

require('./modebar')(Plotly);

window.Plotly = Plotly;
