/* City overview (全市总览): a card per centre of the tree, refreshed by polling; each card opens its big screen.
   A failed poll (server away, session ended) shows the stale mark until a poll succeeds again. */
(function () {
  "use strict";
  var live = window.HallLive;
  var t = live.texts();
  var body = document.body;
  var grid = document.querySelector("[data-centers]");
  var pollUrl = body.dataset.pollUrl;
  var pollMs = (parseFloat(body.dataset.pollSeconds) || 5) * 1000;
  var TIMEOUT_MS = 4000;
  var CARD_ASPECT = 2.3;  // width / height a centre's card reads best at
  var MIN_GRID = 4;       // lay out at least this many places
  var shown = 0;

  function setStale(stale) {
    body.classList.toggle("is-stale", stale);
    body.dataset.live = stale ? "stale" : "live";
  }

  function levelLabel(level) {
    if (!level) { return t.stateClosed; }
    return t["level" + level.charAt(0).toUpperCase() + level.slice(1)] || level;
  }

  function figure(label, value) {
    var div = live.node("div");
    div.appendChild(live.node("dt", null, label));
    div.appendChild(live.node("dd", "num", String(value)));
    return div;
  }

  function card(c, names) {
    var a = live.node("a", "ov-center lvl-" + (c.level || "closed") + (c.warning ? " warn-" + c.warning : ""));
    a.href = c.screen_url;
    a.dataset.center = c.id;
    a.title = live.format(t.openScreen, { name: c.name });
    var head = live.node("div", "ov-center-head");
    if (c.depth) { head.appendChild(live.node("span", "ov-depth", "↳")); }
    head.appendChild(live.node("h2", null, c.name));
    head.appendChild(live.node("span", "ov-tier", c.tier_label));
    head.appendChild(live.node("span", "ov-level", levelLabel(c.level)));
    a.appendChild(head);
    var dl = live.node("dl", "ov-figures");
    dl.appendChild(figure(t.issued, c.issued));
    dl.appendChild(figure(t.served, c.served));
    dl.appendChild(figure(t.waiting, c.waiting));
    dl.appendChild(figure(t.longest, Math.round(c.longest_wait_minutes)));
    a.appendChild(dl);
    var foot = live.node("div", "ov-alerts");
    foot.appendChild(live.node("span", null, t.red));
    foot.appendChild(live.node("b", "ov-red" + (c.alerts_red ? " has" : ""), String(c.alerts_red)));
    foot.appendChild(live.node("span", null, t.yellow));
    foot.appendChild(live.node("b", "ov-yellow" + (c.alerts_yellow ? " has" : ""), String(c.alerts_yellow)));
    if (c.depth && names[c.parent_id]) {
      foot.appendChild(live.node("span", "ov-parent", live.format(t.subSite, { name: names[c.parent_id] })));
    }
    foot.appendChild(live.node("span", "ov-open",
      live.format(t.windowsOpen, { open: c.windows_open, total: c.windows_total })));
    a.appendChild(foot);
    return a;
  }

  /* As many columns as make the cards largest at their best aspect; a few centres still get modest cards. */
  function layout(count) {
    var n = Math.max(count, MIN_GRID);
    var gap = parseFloat(getComputedStyle(grid).columnGap) || 0;
    var width = grid.clientWidth;
    var height = grid.clientHeight;
    var best = { size: -1, cols: 1, rows: n };
    for (var cols = 1; cols <= n; cols += 1) {
      var rows = Math.ceil(n / cols);
      var size = Math.min(((width - gap * (cols - 1)) / cols) / CARD_ASPECT, (height - gap * (rows - 1)) / rows);
      if (size > best.size) { best = { size: size, cols: cols, rows: rows }; }
    }
    grid.style.setProperty("--cols", best.cols);
    grid.style.setProperty("--rows", best.rows);
  }

  function render(data) {
    Object.keys(data.totals).forEach(function (key) {
      var el = document.querySelector('[data-total="' + key + '"]');
      if (el) { el.textContent = key === "longest_wait_minutes" ? Math.round(data.totals[key]) : data.totals[key]; }
    });
    var names = {};
    data.centers.forEach(function (c) { names[c.id] = c.name; });
    var n = data.centers.length;
    shown = n;
    layout(n);
    var fragment = document.createDocumentFragment();
    data.centers.forEach(function (c) { fragment.appendChild(card(c, names)); });
    if (!n) { fragment.appendChild(live.node("p", "ov-empty", t.none)); }
    live.clear(grid);
    grid.appendChild(fragment);
  }

  function poll() {
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    fetch(pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined, redirect: "manual" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { render(data); setStale(false); })
      .catch(function () { setStale(true); })
      .then(function () {
        if (timer) { clearTimeout(timer); }
        setTimeout(poll, pollMs);
      });
  }

  live.startClock();
  window.addEventListener("resize", function () { layout(shown); });
  render(JSON.parse(document.getElementById("overview-data").textContent));
  setStale(false);
  setTimeout(poll, pollMs);
})();
