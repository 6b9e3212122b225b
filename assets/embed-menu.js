/* "Upota" entry of the download menus (dashboard/api/embed.py: menu_item). The area explorer
   switches views in the browser and keeps each menu's download links current; when a menu opens,
   the iframe code is filled from the server's template with the view of the menu's PNG link and
   the chart's current title, and the image fallback follows that link. Glue only: the template,
   the links and the title come from the server or the explorer. */
(function () {
  "use strict";
  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function refresh(menu) {
    var code = menu.querySelector("textarea[data-template]");
    var png = menu.querySelector('a.export-menu__link[data-format="png"]');
    if (!code || !png) return;
    var url = new URL(png.getAttribute("href"), window.location.href);
    url.searchParams.delete("koko");
    var query = url.searchParams.toString();
    var heading = document.getElementById(code.getAttribute("data-title-id"));
    var title = heading ? heading.textContent.trim() : code.getAttribute("data-title");
    code.value = code.getAttribute("data-template")
      .replace("__QUERY__", esc(query ? "?" + query : "")).replace("__TITLE__", esc(title));
    var fallback = menu.querySelector("a.export-menu__embed-link");
    if (fallback) fallback.setAttribute("href", png.getAttribute("href"));
  }
  // <details> "toggle" does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (el && el.classList && el.classList.contains("export-menu") && el.open) refresh(el);
  }, true);
}());
