/* Big screen (大屏): today's figures, a tile per window coloured by busyness, waiting per zone and queue, tickets per
   hour, and the alerts ticker. A snapshot on every (re)connect and every few seconds, deltas in between (live.js). */
(function () {
  "use strict";
  var live = window.HallLive;
  var t = live.texts();
  var body = document.body;
  var tilesEl = document.querySelector("[data-tiles]");
  var zonesEl = document.querySelector("[data-zones]");
  var alertsEl = document.querySelector("[data-alerts]");
  var alertsMoreEl = document.querySelector("[data-alerts-more]");
  var zonesMoreEl = document.querySelector("[data-zones-more]");
  var alertCountEl = document.querySelector("[data-alert-count]");
  var alertsShownEl = document.querySelector("[data-alerts-shown]");
  var canvas = document.querySelector("[data-hourly]");
  var TILE_ASPECT = 1.45;  // width / height a tile reads best at
  var MIN_GRID = 12;       // lay out at least this many places
  var FIRST_HOUR = 7;      // the chart shows 7:00–20:00, widened to any hour with tickets
  var LAST_HOUR = 20;
  var SEVERITY_ORDER = { red: 0, yellow: 1 };
  // Alerts come over the socket in the centre's language; the page has the kind labels and the subject patterns in
  // its own (dashboards/views.py) and fills them from each alert's facts.
  var alertTextsEl = document.getElementById("alert-texts");
  var alertTexts = alertTextsEl ? JSON.parse(alertTextsEl.textContent) : {};

  var windows = {};
  var queues = {};
  var queueOrder = [];
  var zones = [];
  var alerts = {};
  // The server's counts of all live alerts (the list holds only the newest LIVE_SHOWN); null until a message says.
  var alertCounts = null;
  var chart = null;
  var tileCount = -1;

  var timeFormat = new Intl.DateTimeFormat("zh-CN", {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: body.dataset.timeZone || undefined,
  });

  function stateLabel(state) {
    return t["state" + state.charAt(0).toUpperCase() + state.slice(1)] || state;
  }

  function levelLabel(level) {
    return t["level" + level.charAt(0).toUpperCase() + level.slice(1)] || level;
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  /* ---- Figures ---- */
  function showTotals(totals) {
    Object.keys(totals).forEach(function (key) {
      var el = document.querySelector('[data-total="' + key + '"]');
      if (el) { el.textContent = totals[key]; }
    });
  }

  function showFigures(figures) {
    Object.keys(figures || {}).forEach(function (key) {
      var el = document.querySelector('[data-figure="' + key + '"]');
      var note = document.querySelector('[data-figure-note="' + key + '"]');
      var empty = figures[key] === null || figures[key] === undefined;
      if (el) { el.textContent = empty ? "—" : figures[key]; }
      if (note) { note.hidden = !empty; }
    });
  }

  function showLegend(thresholds) {
    if (!thresholds) { return; }
    var busy = document.querySelector('[data-legend="busy"]');
    var congested = document.querySelector('[data-legend="congested"]');
    busy.textContent = thresholds.busy_from_waiting ? live.format(t.legendFrom, { count: thresholds.busy_from_waiting }) : "";
    congested.textContent = thresholds.congested_from_waiting
      ? live.format(t.legendFrom, { count: thresholds.congested_from_waiting }) : "";
  }

  /* ---- Window tiles ---- */

  /* As many columns as make the tiles largest at their best aspect in the space there is. */
  function layoutTiles() {
    var count = Object.keys(windows).length;
    if (!count) { return; }
    var n = Math.max(count, MIN_GRID);  // a small hall keeps tiles of a readable size, not a wall-sized one
    var style = getComputedStyle(tilesEl);
    var gap = parseFloat(style.columnGap) || 0;
    var width = tilesEl.clientWidth;
    var height = tilesEl.clientHeight;
    var best = { size: -1, cols: 1, rows: n };
    for (var cols = 1; cols <= n; cols += 1) {
      var rows = Math.ceil(n / cols);
      var w = (width - gap * (cols - 1)) / cols;
      var h = (height - gap * (rows - 1)) / rows;
      var size = Math.min(w / TILE_ASPECT, h);
      if (size > best.size) { best = { size: size, cols: cols, rows: rows }; }
    }
    tilesEl.style.setProperty("--cols", best.cols);
    tilesEl.style.setProperty("--rows", best.rows);
  }

  function tile(w) {
    var level = w.level || "closed";
    var el = live.node("article", "bs-tile state-" + w.state + " lvl-" + level + " kind-" + w.kind +
      (w.ticket ? " has-ticket ticket-" + w.ticket.status : ""));
    el.dataset.window = w.number;
    el.dataset.level = level;
    el.title = live.format(t.window, { number: w.number });

    var head = live.node("div", "bs-tile-head");
    head.appendChild(live.node("b", "bs-wno num", String(w.number)));
    head.appendChild(live.node("span", "bs-wname", w.name || w.zone));
    if (w.kind === "tidal") { head.appendChild(live.node("b", "bs-tidal-badge", t.tidalShort)); }
    head.appendChild(live.node("span", "bs-level", w.level ? levelLabel(w.level) : stateLabel(w.state)));
    el.appendChild(head);

    var main;
    if (w.ticket) {
      main = live.node("div", "bs-ticket num", w.ticket.number);
    } else if (w.state === "paused") {
      main = live.node("div", "bs-ticket bs-ticket-text", w.pause_reason
        ? live.format(t.pausedBecause, { reason: w.pause_reason }) : stateLabel("paused"));
    } else if (w.state === "closed") {
      main = live.node("div", "bs-ticket bs-ticket-text",
        w.kind === "tidal" && !w.tidal_open ? t.standby : stateLabel("closed"));
    } else {
      main = live.node("div", "bs-ticket bs-ticket-none num", "—");
    }
    main.dataset.ticket = w.ticket ? w.ticket.number : "";
    el.appendChild(main);

    var elapsed = live.node("div", "bs-line bs-elapsed num");
    if (w.ticket) {
      // Called and in service are two states: the timer runs from the call, then from the start of service.
      var serving = w.ticket.status === "serving";
      elapsed.dataset.since = serving ? (w.ticket.started_at || w.ticket.called_at) : w.ticket.called_at;
      elapsed.dataset.stage = serving ? "serving" : "called";
    }
    el.appendChild(elapsed);

    var wait = live.node("div", "bs-line bs-wait num");
    if (w.state !== "closed") {
      var text = live.format(t.waitingFor, { count: w.eligible_waiting });
      if (w.longest_wait_minutes !== null && w.longest_wait_minutes !== undefined) {
        text += " · " + live.format(t.longest, { minutes: Math.round(w.longest_wait_minutes) });
      }
      wait.textContent = text;
    }
    el.appendChild(wait);

    var served = live.format(t.served, { count: w.served_today });
    if (w.mean_service_minutes !== null && w.mean_service_minutes !== undefined) {
      served += " · " + live.format(t.mean, { minutes: w.mean_service_minutes });
    }
    el.appendChild(live.node("div", "bs-line bs-served num", served));
    return el;
  }

  function renderTiles() {
    var list = Object.keys(windows).map(function (id) { return windows[id]; })
      .sort(function (a, b) { return a.number - b.number; });
    var fragment = document.createDocumentFragment();
    list.forEach(function (w) { fragment.appendChild(tile(w)); });
    live.clear(tilesEl);
    tilesEl.appendChild(fragment);
    if (list.length !== tileCount) {
      tileCount = list.length;
      layoutTiles();
    }
    tickElapsed();
  }

  function tickElapsed() {
    var now = live.serverNow();
    tilesEl.querySelectorAll("[data-since]").forEach(function (el) {
      var seconds = (now - Date.parse(el.dataset.since)) / 1000;
      el.textContent = live.format(el.dataset.stage === "serving" ? t.inService : t.calledFor, { time: clock(seconds) });
    });
  }

  /* ---- Waiting per zone and queue, with today's service level of each queue (from each snapshot) ---- */
  var serviceLevels = {};
  function renderWaiting() {
    live.clear(zonesEl);
    zones.forEach(function (zone) {
      var own = queueOrder.map(function (id) { return queues[id]; })
        .filter(function (q) { return q && q.zone_id === zone.id; });
      if (own.length) {
        zone.waiting = own.reduce(function (sum, q) { return sum + q.waiting; }, 0);
      }
      var row = live.node("div", "bs-zone" + (zone.level ? " warn-" + zone.level : ""));
      row.dataset.zone = zone.id;
      row.appendChild(live.node("span", "bs-zone-name", zone.name));
      var chips = live.node("ul", "bs-queues");
      own.forEach(function (q) {
        var chip = live.node("li", "bs-queue" + (q.level ? " warn-" + q.level : "") + (q.accepting ? "" : " is-paused"));
        chip.dataset.queue = q.prefix;
        chip.appendChild(live.node("b", "bs-queue-prefix", q.prefix));
        chip.appendChild(live.node("span", "bs-queue-name", q.name));
        chip.appendChild(live.node("strong", "num", String(q.waiting)));
        var level = serviceLevels[q.id];
        if (level && level.percent !== null) {
          var sla = live.node("span", "bs-queue-sla" + (level.below ? " is-below" : ""),
            live.format(t.serviceLevel, { percent: Math.round(level.percent) }));
          sla.title = live.format(t.serviceLevelTitle,
            { percent: level.percent, minutes: level.target_minutes, target: level.target_percent });
          chip.appendChild(sla);
        }
        if (!q.accepting) {
          chip.appendChild(live.node("em", "bs-queue-paused", q.pause_reason
            ? live.format(t.intakePaused, { reason: q.pause_reason }) : t.intakePausedPlain));
        }
        chips.appendChild(chip);
      });
      row.appendChild(chips);
      row.appendChild(live.node("strong", "bs-zone-total num", String(zone.waiting)));
      zonesEl.appendChild(row);
    });
    fitZones();
  }

  /* ---- Tickets per hour ---- */
  function chartFontSize() { return Math.max(11, Math.round(window.innerWidth * 0.0078)); }

  function renderChart(hourly) {
    if (!hourly || !window.Chart || !canvas) { return; }
    var first = FIRST_HOUR;
    var last = LAST_HOUR;
    for (var h = 0; h < 24; h += 1) {
      if (hourly.intake[h] || hourly.served[h]) { first = Math.min(first, h); last = Math.max(last, h); }
    }
    var labels = [];
    for (h = first; h <= last; h += 1) { labels.push(String(h)); }
    var intake = hourly.intake.slice(first, last + 1);
    var served = hourly.served.slice(first, last + 1);
    if (chart) {
      chart.data.labels = labels;
      chart.data.datasets[0].data = intake;
      chart.data.datasets[1].data = served;
      chart.update("none");
      return;
    }
    var Chart = window.Chart;
    Chart.defaults.color = "#b8c6de";
    Chart.defaults.borderColor = "#24314d";
    Chart.defaults.font.family = getComputedStyle(body).fontFamily;
    Chart.defaults.font.size = chartFontSize();
    chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: t.issued, data: intake, backgroundColor: "#4ea1ff", borderRadius: 3 },
          { label: t.servedLabel, data: served, type: "line", borderColor: "#2fbf71", backgroundColor: "#2fbf71",
            borderWidth: Math.max(2, chartFontSize() / 5), pointRadius: Math.max(2, chartFontSize() / 5), tension: 0.3 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "top", align: "end", labels: { boxWidth: chartFontSize(), boxHeight: chartFontSize() } } },
        scales: {
          x: { grid: { display: false } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  /* ---- Alerts ticker: red before yellow, newest first; acknowledged ones dimmed ---- */
  function rank(severity) { return severity in SEVERITY_ORDER ? SEVERITY_ORDER[severity] : 9; }

  function own(map, key) {
    return map && typeof map === "object" && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }

  function alertKind(a) { return own(alertTexts.kinds, a.kind) || a.kind_label; }

  /* The subject in the page's language; the payload's own text (the centre's language) when the alert lacks a fact
     its pattern names, as rows raised before the facts were kept do, or when the kind is one this page does not know. */
  function alertSubject(a) {
    var params = a.subject_params;
    var pattern = own(alertTexts.subjects, a.kind);
    if (pattern && typeof pattern === "object") { pattern = own(pattern, own(params, "measure")); }
    if (typeof pattern !== "string" || !pattern || !params || typeof params !== "object") { return a.subject; }
    var complete = true;
    var text = pattern.replace(/\{(\w+)\}/g, function (_, key) {
      var value = key === "value" ? a.value : own(params, key);
      if (value === undefined || value === null || value === "") { complete = false; return ""; }
      return String(value);
    });
    return complete ? text : a.subject;
  }

  function renderAlerts() {
    var list = Object.keys(alerts).map(function (id) { return alerts[id]; }).sort(function (a, b) {
      var bySeverity = rank(a.severity) - rank(b.severity);
      if (bySeverity) { return bySeverity; }
      if (a.opened_at !== b.opened_at) { return a.opened_at < b.opened_at ? 1 : -1; }
      return b.id - a.id;
    });
    live.clear(alertsEl);
    var red = list.filter(function (a) { return a.severity === "red"; }).length;
    var total = list.length;
    if (alertCounts) {
      total = Math.max(total, alertCounts.total);
      red = Math.max(red, alertCounts.red);
    }
    alertCountEl.textContent = total ? String(total) : "";
    alertCountEl.className = "bs-alert-count num" + (red ? " has-red" : total ? " has-yellow" : "");
    if (alertsShownEl) {
      alertsShownEl.hidden = total <= list.length;
      alertsShownEl.textContent = alertsShownEl.hidden ? ""
        : live.format(t.alertsShown, { shown: list.length, total: total });
    }
    if (!list.length) {
      alertsEl.appendChild(live.node("li", "bs-alert-none", t.noAlerts));
    }
    list.forEach(function (a) {
      var li = live.node("li", "bs-alert sev-" + a.severity + (a.state === "acknowledged" ? " is-acknowledged" : ""));
      li.dataset.alert = a.id;
      li.dataset.severity = a.severity;
      li.appendChild(live.node("span", "bs-alert-time num", timeFormat.format(new Date(a.opened_at))));
      li.appendChild(live.node("b", "bs-alert-kind", alertKind(a)));
      li.appendChild(live.node("span", "bs-alert-subject", alertSubject(a)));
      if (a.state === "acknowledged" && a.acknowledged_by) {
        li.appendChild(live.node("span", "bs-alert-ack", live.format(t.acknowledgedBy, { name: a.acknowledged_by })));
      }
      alertsEl.appendChild(li);
    });
    fitAlerts();
  }

  /* Whole items only: those that do not fit are counted in a line below, so nothing is cut off mid-line. */
  function fitItems(listEl, selector, moreEl) {
    var items = listEl.querySelectorAll(selector);
    items.forEach(function (item) { item.hidden = false; });
    moreEl.hidden = true;
    var hidden = 0;
    var bottom = listEl.getBoundingClientRect().bottom;
    items.forEach(function (item) {
      if (hidden || item.getBoundingClientRect().bottom > bottom + 1) { item.hidden = true; hidden += 1; }
    });
    if (!hidden) { return; }
    moreEl.textContent = live.format(t.more, { count: hidden });
    moreEl.hidden = false;
    // The line saying so takes room too: make space for it.
    bottom = listEl.getBoundingClientRect().bottom;
    for (var i = items.length - hidden - 1; i >= 0 && items[i].getBoundingClientRect().bottom > bottom + 1; i -= 1) {
      items[i].hidden = true;
      hidden += 1;
      moreEl.textContent = live.format(t.more, { count: hidden });
    }
  }

  function fitAlerts() { fitItems(alertsEl, ".bs-alert", alertsMoreEl); }
  function fitZones() { fitItems(zonesEl, ".bs-zone", zonesMoreEl); }

  function takeAlertCounts(message) {
    if (typeof message.alerts_total !== "number") { return; }
    alertCounts = { total: message.alerts_total, red: typeof message.alerts_red === "number" ? message.alerts_red : 0 };
  }

  function alertChanged(alert) {
    if (alert.state === "resolved") { delete alerts[alert.id]; } else { alerts[alert.id] = alert; }
    // Load warnings colour their queue or zone: the alert scan decides them with hysteresis.
    var level = alert.state === "resolved" ? null : alert.severity;
    if (alert.kind === "queue_load" && queues[alert.queue_id]) { queues[alert.queue_id].level = level; }
    if (alert.kind === "zone_load") {
      zones.forEach(function (zone) { if (zone.id === alert.zone_id) { zone.level = level; } });
    }
    renderAlerts();
    renderWaiting();
  }

  /* ---- Wiring ---- */
  function setQueues(list, replace) {
    if (replace) { queues = {}; queueOrder = []; }
    list.forEach(function (q) {
      if (!(q.id in queues)) { queueOrder.push(q.id); }
      queues[q.id] = q;
    });
  }

  live.startClock();
  setInterval(tickElapsed, 1000);
  window.addEventListener("resize", function () {
    layoutTiles();
    fitAlerts();
    fitZones();
    if (chart) {
      window.Chart.defaults.font.size = chartFontSize();
      chart.update("none");
    }
  });

  live.connect(body.dataset.socket, {
    onSnapshot: function (s) {
      serviceLevels = {};
      (s.service_levels || []).forEach(function (level) { serviceLevels[level.queue_id] = level; });
      windows = {};
      s.windows.forEach(function (w) { windows[w.id] = w; });
      setQueues(s.queues, true);
      zones = (s.zones || []).slice();
      if (s.alerts) {
        alerts = {};
        s.alerts.forEach(function (a) { alerts[a.id] = a; });
        alertCounts = null;
        takeAlertCounts(s);
      }
      showTotals(s.totals);
      showFigures(s.figures);
      showLegend(s.busyness);
      renderTiles();
      renderWaiting();
      renderChart(s.hourly);
      renderAlerts();
    },
    onDelta: function (d) {
      if (d.totals) { showTotals(d.totals); }
      var tilesChanged = false;
      if (d.windows && d.windows.length) {
        d.windows.forEach(function (w) { windows[w.id] = w; });
        tilesChanged = true;
      }
      if (d.levels) {
        // One ticket moves the load of every window sharing its queue: [level, eligible waiting, per open window].
        Object.keys(d.levels).forEach(function (id) {
          var w = windows[id];
          if (!w) { return; }
          var load = d.levels[id];
          if (w.level !== load[0] || w.eligible_waiting !== load[1]) { tilesChanged = true; }
          w.level = load[0];
          w.eligible_waiting = load[1];
          w.waiting_per_open_window = load[2];
        });
      }
      if (tilesChanged) { renderTiles(); }
      if (d.queues && d.queues.length) {
        setQueues(d.queues, false);
        renderWaiting();
      }
      if (d.type === "alert.changed" && d.alert) {
        takeAlertCounts(d);
        alertChanged(d.alert);
      }
    },
  });
})();
