/* Download menus (dashboard/export_routes.py): close an open <details class="export-menu"> on
   Escape (focus back to its summary) and when the user clicks elsewhere. The menu works without
   this file; it is a static asset, so it runs under a strict CSP (script-src 'self'). */
(function () {
  "use strict";
  function openMenus() {
    return document.querySelectorAll("details.export-menu[open]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();
