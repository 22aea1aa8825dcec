// The phone's top navigation is a <details> menu that works without JavaScript; this adds what a
// menu is expected to do besides: Escape closes it (focus back on "Menu"), and so do a tap outside it
// and following one of its links.
(function () {
  "use strict";
  function init() {
    var menu = document.querySelector(".site-menu");
    if (!menu) return;
    var summary = menu.querySelector("summary");
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) { menu.open = false; summary.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
    menu.addEventListener("click", function (event) {
      if (event.target.closest("nav a")) menu.open = false;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
