// The phone's top navigation as a menu: one "Menu" button instead of two rows of links.
// Only the script folds it (the .has-menu class), so without JavaScript every link stays shown.
(function () {
  "use strict";
  function init() {
    var header = document.querySelector(".site-header");
    var button = header && header.querySelector(".menu-toggle");
    if (!button) return;
    header.classList.add("has-menu");
    button.hidden = false;
    function setOpen(open) {
      header.classList.toggle("menu-open", open);
      button.setAttribute("aria-expanded", String(open));
    }
    button.addEventListener("click", function () { setOpen(!header.classList.contains("menu-open")); });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) { setOpen(false); button.focus(); }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
