/* Clerk workstation: keyboard shortcuts shown on the buttons, and the running service time. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    var button = document.querySelector('[data-shortcut="' + event.key.toLowerCase() + '"]');
    if (!button || button.disabled) { return; }
    if (!button.form) {  // a link (the case page): follow it
      event.preventDefault();
      button.click();
      return;
    }
    if (!button.form.dataset.sent) {
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

/* The waiting list follows the hall: any event touching this window's queues re-reads it (at most every 2 s), and
   a change of this window made elsewhere (a supervisor's action, a colleague's take-over) reloads the page. */
(function () {
  "use strict";
  var live = window.HallLive;
  var body = document.body;
  var panel = document.querySelector("[data-waiting-panel]");
  if (!live || !panel || !body.dataset.socket) { return; }
  var windowId = Number(body.dataset.window);
  var served = body.dataset.queues === "*" ? null : body.dataset.queues.split(",").filter(Boolean).map(Number);
  var MIN_GAP_MS = 2000;
  var lastLoad = Date.now();
  var pending = null;

  function typing() {
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    return /^(INPUT|SELECT|TEXTAREA)$/.test(tag);
  }

  function reloadPage() {
    if (typing() || document.querySelector("form[data-sent]")) { setTimeout(reloadPage, 2000); return; }
    location.reload();
  }

  function load() {
    pending = null;
    lastLoad = Date.now();
    fetch(panel.dataset.url + "?window=" + windowId, { credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 409 || response.status === 403) { reloadPage(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null || document.querySelector("form[data-sent]")) { return; }
        panel.innerHTML = html;
        var total = panel.querySelector("[data-new-total]");
        var shown = document.querySelector("[data-waiting-total]");
        if (total && shown) { shown.textContent = total.textContent; }
      });
  }

  function schedule() {
    if (pending) { return; }
    pending = setTimeout(load, Math.max(0, MIN_GAP_MS - (Date.now() - lastLoad)));
  }

  function concernsMe(message) {
    var queues = message.queues || [];
    if (served === null) { return queues.length > 0; }
    return queues.some(function (q) { return served.indexOf(q.id) >= 0; });
  }

  live.connect(body.dataset.socket, {
    onSnapshot: function () {
      // A snapshot comes on (re)connect and every few seconds: the waited minutes move once a minute.
      if (Date.now() - lastLoad > 60000) { schedule(); }
    },
    onDelta: function (message) {
      var handedOver = (message.events || []).indexOf("window.handed_over") >= 0;
      (message.windows || []).forEach(function (tile) {
        if (tile.id !== windowId) { return; }
        if (tile.state !== body.dataset.windowState) { reloadPage(); }
        // Taken over (the window stays open): the panel's read says whether this clerk is still here (403: not).
        else if (handedOver) { load(); }
      });
      if (concernsMe(message)) { schedule(); }
    },
  });
})();
