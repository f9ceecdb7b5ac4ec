/* Clerk workstation: keyboard shortcuts shown on the buttons, and the running service time. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    var button = document.querySelector('[data-shortcut="' + event.key.toLowerCase() + '"]');
    if (button && !button.disabled && !button.form.dataset.sent) {
      event.preventDefault();
      button.form.dataset.sent = "1";  // one key press, one action
      button.click();
    }
  });
  var elapsed = document.querySelector("[data-since]");
  if (elapsed) {
    var since = new Date(elapsed.dataset.since).getTime();
    var tick = function () {
      var s = Math.max(0, Math.floor((Date.now() - since) / 1000));
      var mm = String(Math.floor(s / 60)).padStart(2, "0");
      var ss = String(s % 60).padStart(2, "0");
      elapsed.textContent = mm + ":" + ss;
    };
    tick();
    setInterval(tick, 1000);
  }
})();
