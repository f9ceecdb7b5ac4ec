/* Big screen: centre totals, a tile per window, waiting per queue. */
(function () {
  "use strict";
  var live = window.HallLive;
  var t = live.texts();
  var tilesEl = document.querySelector("[data-tiles]");
  var queuesEl = document.querySelector("[data-queues]");
  var windows = {};

  function showTotals(totals) {
    Object.keys(totals).forEach(function (key) {
      var el = document.querySelector('[data-total="' + key + '"]');
      if (el) { el.textContent = totals[key]; }
    });
  }

  function renderTiles() {
    live.clear(tilesEl);
    Object.keys(windows).map(function (id) { return windows[id]; })
      .sort(function (a, b) { return a.number - b.number; })
      .forEach(function (w) {
        var tile = live.node("article", "tile state-" + w.state + (w.ticket ? " busy" : ""));
        tile.dataset.window = w.number;
        tile.appendChild(live.node("div", "wno num", live.format(t.window, { number: w.number })));
        tile.appendChild(live.node("div", "wkind", (w.name || w.zone) + " · " + (t["state" + w.state.charAt(0).toUpperCase() + w.state.slice(1)] || w.state)));
        tile.appendChild(live.node("div", "wticket num", w.ticket ? w.ticket.number : (w.state === "open" ? t.idle : "—")));
        var meta = live.format(t.served, { count: w.served_today });
        if (w.mean_service_minutes !== null) { meta += " · " + live.format(t.mean, { minutes: w.mean_service_minutes }); }
        tile.appendChild(live.node("div", "wmeta", meta));
        tilesEl.appendChild(tile);
      });
  }

  live.startClock();
  live.connect(document.body.dataset.socket, {
    onSnapshot: function (s) {
      windows = {};
      s.windows.forEach(function (w) { windows[w.id] = w; });
      showTotals(s.totals);
      renderTiles();
      queuesEl._queues = {};
      live.renderQueues(queuesEl, s.queues, t.waiting);
    },
    onDelta: function (d) {
      if (d.totals) { showTotals(d.totals); }
      if (d.windows && d.windows.length) {
        d.windows.forEach(function (w) { windows[w.id] = w; });
        renderTiles();
      }
      if (d.queues) { live.renderQueues(queuesEl, d.queues, t.waiting); }
    },
  });
})();
