/* The admin's two-box selector labels its search icons with aria-label on a plain span, which assistive technology
   ignores (and axe-core flags): they are images with a name, so they say so. */
(function () {
  "use strict";
  function nameTheIcons() {
    document.querySelectorAll("span[aria-label]:not([role])").forEach(function (span) {
      span.setAttribute("role", "img");
    });
  }
  window.addEventListener("load", function () { setTimeout(nameTheIcons, 0); });
})();
