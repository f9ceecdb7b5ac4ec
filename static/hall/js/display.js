/* Calling display: the windows calling now in large type with where they are, the last eight calls, the waiting per
   queue, the notices, and the voice. Everything comes from the screen's socket: a snapshot, then deltas. */
(function () {
  "use strict";
  var live = window.HallLive;
  var t = live.texts();
  var zoneId = document.body.dataset.zoneId ? Number(document.body.dataset.zoneId) : null;
  var grid = document.querySelector("[data-display-grid]");
  var currentEl = document.querySelector("[data-current-calls]");
  var idleEl = document.querySelector("[data-idle]");
  var callTextEl = document.querySelector("[data-call-text]");
  var recentEl = document.querySelector("[data-recent-calls]");
  var recentNoneEl = document.querySelector("[data-recent-none]");
  var queuesEl = document.querySelector("[data-queues]");
  var noticesEl = document.querySelector("[data-notices]");
  var MAX_CURRENT = 4;  // what fits at a tenth of the screen's height each
  var MAX_RECENT = 8;
  var FRESH_MS = 12000;  // how long a new call stands out
  var tiles = {};
  var queues = {};
  var recent = [];
  var freshUntil = {};  // ticket number → time its highlight ends
  var templates = { voice: "请{number}号到{window}号窗口办理", screen: "请{number}到{window}号窗口" };
  var DIGITS = "零一二三四五六七八九";
  var REPEATS = 2;  // each call is said twice, as halls do

  function inZone(item) { return zoneId === null || item.zone_id === zoneId; }

  /* "A023" is read as "A零二三": digit by digit, the way numbers are called in a hall. */
  function spoken(number) {
    return String(number).replace(/[0-9]/g, function (d) { return DIGITS.charAt(+d); });
  }

  /* Calls wait their turn: an announcement never talks over the one before it. */
  var voiceQueue = [];
  var speaking = false;
  function speakNext() {
    if (speaking || !voiceQueue.length || !("speechSynthesis" in window)) { return; }
    speaking = true;
    var utterance = new SpeechSynthesisUtterance(voiceQueue.shift());
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    var finished = false;
    var done = function () {
      if (finished) { return; }
      finished = true;
      speaking = false;
      setTimeout(speakNext, 400);
    };
    utterance.onend = done;
    utterance.onerror = done;
    setTimeout(done, 15000);  // a voice engine that never reports the end must not silence the hall
    window.speechSynthesis.speak(utterance);
  }
  function announce(call) {
    var text = live.format(templates.voice, { number: spoken(call.number), window: call.window_number });
    for (var i = 0; i < REPEATS; i += 1) { voiceQueue.push(text); }
    speakNext();
  }

  function where(floor, zone) { return [floor, zone].filter(Boolean).join(" · "); }

  function callItem(number, windowNumber, place, className) {
    var li = live.node("li", className);
    li.appendChild(live.node("span", "call-number num", number));
    var to = live.node("span", "call-where");
    to.appendChild(live.node("strong", "call-window", live.format(t.window, { number: windowNumber })));
    if (place) { to.appendChild(live.node("span", "call-place", place)); }
    li.appendChild(to);
    return li;
  }

  /* The windows whose citizen is on the way: a ticket called and not yet started, newest first. */
  function showCurrent() {
    var now = Date.now();
    var calling = Object.keys(tiles).map(function (id) { return tiles[id]; }).filter(function (tile) {
      return inZone(tile) && tile.ticket && tile.ticket.status === "called";
    });
    calling.sort(function (a, b) { return a.ticket.called_at < b.ticket.called_at ? 1 : -1; });
    live.clear(currentEl);
    calling.slice(0, MAX_CURRENT).forEach(function (tile) {
      var fresh = (freshUntil[tile.ticket.number] || 0) > now;
      currentEl.appendChild(callItem(tile.ticket.number, tile.number, where(tile.floor, tile.zone),
        fresh ? "current-call fresh" : "current-call"));
    });
    currentEl.dataset.count = String(Math.min(calling.length, MAX_CURRENT));
    idleEl.hidden = calling.length > 0;
  }

  function showRecent() {
    live.clear(recentEl);
    recent.forEach(function (call) {
      recentEl.appendChild(callItem(call.number, call.window_number, where(call.floor, call.zone), "recent-call"));
    });
    recentNoneEl.hidden = recent.length > 0;
    callTextEl.textContent = recent.length
      ? live.format(templates.screen, { number: recent[0].number, window: recent[0].window_number }) : "";
  }

  function showQueues() {
    live.clear(queuesEl);
    Object.keys(queues).map(function (id) { return queues[id]; }).filter(inZone).forEach(function (q) {
      var paused = q.accepting === false;
      var chip = live.node("li", paused ? "queue-chip paused" : "queue-chip");
      chip.dataset.queue = q.prefix;
      chip.title = q.name;
      chip.appendChild(live.node("span", "queue-prefix", q.prefix));
      chip.appendChild(live.node("span", "queue-name", q.name));
      chip.appendChild(live.node("strong", paused ? null : "num", paused ? t.paused : String(q.waiting)));
      queuesEl.appendChild(chip);
    });
  }

  function takeTiles(list) { (list || []).forEach(function (tile) { tiles[tile.id] = tile; }); }
  function takeQueues(list) { (list || []).forEach(function (q) { queues[q.id] = q; }); }

  /* Notices: one at a time, each for its seconds; a video to its end. Replaced only when the list changes. */
  var notices = [];
  var noticesKey = "";
  var noticeIndex = 0;
  var noticeTimer = null;
  function setNotices(list) {
    var key = JSON.stringify(list || []);
    if (key === noticesKey) { return; }
    noticesKey = key;
    notices = list || [];
    noticeIndex = 0;
    noticesEl.hidden = !notices.length;
    grid.classList.toggle("with-notices", notices.length > 0);
    showNotice();
  }
  function nextNotice() { noticeIndex += 1; showNotice(); }
  function showNotice() {
    clearTimeout(noticeTimer);
    live.clear(noticesEl);
    if (!notices.length) { return; }
    var notice = notices[noticeIndex % notices.length];
    var figure = live.node("figure", "display-notice notice-" + notice.kind);
    if (notice.kind === "image") {
      var img = live.node("img");
      img.src = notice.src;
      img.alt = notice.title;
      figure.appendChild(img);
    } else if (notice.kind === "video") {
      var video = live.node("video");
      video.muted = true;  // the hall hears the calls, not the notices
      video.autoplay = true;
      video.playsInline = true;
      video.loop = notices.length === 1;
      video.setAttribute("aria-label", notice.title);
      video.onended = nextNotice;
      video.onerror = function () { noticeTimer = setTimeout(nextNotice, 3000); };
      video.src = notice.src;
      figure.appendChild(video);
    }
    var caption = live.node("figcaption");
    caption.appendChild(live.node("h3", "notice-title", notice.title));
    if (notice.text) { caption.appendChild(live.node("p", "notice-text", notice.text)); }
    figure.appendChild(caption);
    noticesEl.appendChild(figure);
    if (notice.kind !== "video" && notices.length > 1) {
      noticeTimer = setTimeout(nextNotice, Math.max(3, notice.seconds || 15) * 1000);
    }
  }

  live.startClock();
  // Highlights fade by themselves: the current list is redrawn when the newest one ends.
  setInterval(showCurrent, 2000);
  live.connect(document.body.dataset.socket, {
    onSnapshot: function (s) {
      if (s.announce) { templates = s.announce; }
      tiles = {};
      takeTiles(s.windows);
      queues = {};
      takeQueues(s.queues);
      recent = (s.recent_calls || []).filter(inZone).slice(0, MAX_RECENT);
      showCurrent();
      showRecent();
      showQueues();
      if (s.notices) { setNotices(s.notices); }
    },
    onDelta: function (d) {
      if (d.type === "notices") { setNotices(d.notices); return; }
      takeTiles(d.windows);
      if (d.queues) { takeQueues(d.queues); showQueues(); }
      // A delta carries every call and recall since the last one, oldest first: each is shown and spoken.
      (d.calls || []).filter(inZone).forEach(function (call) {
        recent = [call].concat(recent.filter(function (c) { return c.number !== call.number; })).slice(0, MAX_RECENT);
        freshUntil[call.number] = Date.now() + FRESH_MS;
        announce(call);
      });
      showCurrent();
      showRecent();
    },
  });
})();
