/* Kiosk: after showing a number, go back to the start screen for the next person. */
(function () {
  "use strict";
  var url = document.body.dataset.returnUrl;
  var seconds = parseInt(document.body.dataset.returnAfter || "0", 10);
  if (url && seconds > 0) { setTimeout(function () { location.href = url; }, seconds * 1000); }
})();
