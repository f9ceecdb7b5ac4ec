/* Calling display: the newest call in large type, the last calls below, waiting per queue. */
(function () {
  "use strict";
  var live = window.HallLive;
  var t = live.texts();
  var callNow = document.querySelector("[data-call-now]");
  var numberEl = document.querySelector("[data-call-number]");
  var windowEl = document.querySelector("[data-call-window]");
  var recentEl = document.querySelector("[data-recent-calls]");
  var queuesEl = document.querySelector("[data-queues]");
  var recent = [];

  function showRecent() {
    live.clear(recentEl);
    recent.forEach(function (call) {
      var li = live.node("li");
      li.appendChild(live.node("strong", "num", call.number));
      li.appendChild(live.node("span", null, live.format(t.window, { number: call.window_number })));
      recentEl.appendChild(li);
    });
  }

  function showCall(call, flash) {
    numberEl.textContent = call.number;
    windowEl.textContent = live.format(t.window, { number: call.window_number });
    callNow.setAttribute("aria-label", live.format(t.screenText, { number: call.number, window: call.window_number }));
    if (flash) {
      callNow.classList.remove("flash");
      void callNow.offsetWidth;  // restart the animation
      callNow.classList.add("flash");
    }
  }

  live.startClock();
  live.connect(document.body.dataset.socket, {
    onSnapshot: function (s) {
      recent = s.recent_calls.slice();
      if (recent.length) { showCall(recent[0], false); }
      showRecent();
      queuesEl._queues = {};
      live.renderQueues(queuesEl, s.queues, t.waiting);
    },
    onDelta: function (d) {
      if (d.queues) { live.renderQueues(queuesEl, d.queues, t.waiting); }
      if (d.type === "ticket.called" && d.call) {
        recent.unshift(d.call);
        recent = recent.slice(0, 8);
        showCall(d.call, true);
        showRecent();
        document.dispatchEvent(new CustomEvent("hall:call", { detail: d.call }));
      }
    },
  });
})();
