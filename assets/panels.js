/* Panels that ask the server when opened (dashboard/deliver/alttext_panel.py: alt texts, tables):
   when the user opens one, or the view changes while it is open, hand the view of the chart's
   download link to the server callback; a closed panel sends nothing, so switching indicator, year
   or municipality stays request-free. */
(function () {
  "use strict";
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tilannekuva_panel = {
    request: function (clicks, href, panelId) {
      var ctx = window.dash_clientside.callback_context;
      var byClick = ctx && ctx.triggered && ctx.triggered.some(function (t) { return /-open\.n_clicks$/.test(t.prop_id); });
      var panel = document.getElementById(panelId);
      // A click opens (or closes) the panel after this runs; a link change counts only when open.
      return byClick || (panel && panel.open) ? href : window.dash_clientside.no_update;
    },
  };
})();
