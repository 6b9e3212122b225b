/* Alt-text panels of the area explorer (dashboard/deliver/alttext_panel.py). Glue only: when the
   user opens a panel, or the view changes while it is open, hand the view of the chart's download
   link to the server callback that words the texts; a closed panel sends nothing, so switching
   indicator, year or municipality stays request-free. */
(function () {
  "use strict";
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tilannekuva_alt = {
    request: function (clicks, href, panelId) {
      var ctx = window.dash_clientside.callback_context;
      var byClick = ctx && ctx.triggered && ctx.triggered.some(function (t) {
        return t.prop_id.indexOf("-alt-open.n_clicks") > 0;
      });
      var panel = document.getElementById(panelId);
      // A click opens (or closes) the panel after this runs; a link change counts only when open.
      if (byClick || (panel && panel.open)) return href;
      return window.dash_clientside.no_update;
    },
  };
})();
