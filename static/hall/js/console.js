/* Supervisor console: the panel is re-read from the server whenever the hall changes, unless the supervisor is
   filling in one of its forms (their typing is never thrown away). */
(function () {
  "use strict";
  var live = window.HallLive;
  var panel = document.querySelector("[data-console-panel]");
  var updated = document.querySelector("[data-updated]");
  var MIN_GAP_MS = 1500;
  var lastLoad = 0;
  var pending = null;
  var timeFormat = clockFormat(document.body.dataset.timeZone);

  /* Times in the hall's time zone (data-time-zone), not the device's, as on the big screen. */
  function clockFormat(timeZone) {
    var options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false };
    if (timeZone) {
      options.timeZone = timeZone;
      try { return new Intl.DateTimeFormat("zh-CN", options); } catch (error) {
        delete options.timeZone;  // a zone this browser does not know: the device's zone beats no time at all
      }
    }
    return new Intl.DateTimeFormat("zh-CN", options);
  }

  function busy() {
    var active = document.activeElement;
    if (active && panel.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) { return true; }
    return Array.prototype.some.call(panel.querySelectorAll("input:not([type=hidden]), select"), function (field) {
      return field.value !== "";
    });
  }

  function load() {
    pending = null;
    if (busy()) { pending = setTimeout(load, 3000); return; }
    lastLoad = Date.now();
    fetch(document.body.dataset.panel, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        if (busy()) { return; }
        panel.innerHTML = html;
        if (updated) { updated.textContent = timeFormat.format(new Date(live.serverNow())); }
      })
      .catch(function () { document.body.classList.add("is-stale"); });
  }

  function schedule() {
    if (pending) { return; }
    pending = setTimeout(load, Math.max(0, MIN_GAP_MS - (Date.now() - lastLoad)));
  }

  live.connect(document.body.dataset.socket, {
    onSnapshot: function () { if (lastLoad) { schedule(); } else { lastLoad = Date.now(); } },
    onDelta: schedule,
  });
})();
