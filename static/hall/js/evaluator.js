/* The evaluator at a window (评价器): idle with the clerk's card, the rating screen when a ticket is finished there,
   thanks, then idle again. Reviews given while offline wait in the tablet's storage and go out on reconnection. */
(function () {
  "use strict";
  var live = window.HallLive;
  var t = live.texts();
  var body = document.body;
  var OUTBOX_KEY = "hall-evaluator-outbox";
  var AUTO_SUBMIT_SECONDS = 20;  // a face tapped and left: the level alone is sent
  var state = null;               // the last state the hall sent
  var current = null;             // the invitation on screen: {ticket, number, until}
  var choice = null;              // {level, scores, tags}
  var done = {};                  // tickets rated on this tablet (the hall may still invite while it is offline)
  var timer = null;
  var connection;

  function $(selector) { return document.querySelector(selector); }
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }

  function outbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) {
    try { localStorage.setItem(OUTBOX_KEY, JSON.stringify(items)); } catch (e) { /* storage full: sent live only */ }
  }
  function flush() {
    outbox().forEach(function (item) { connection.send(item); });
  }

  function show(view) {
    $(".ev-screen").dataset.screen = view;
    all("[data-view]").forEach(function (el) { el.hidden = el.dataset.view !== view; });
  }

  function renderIdle() {
    var clerk = state && state.clerk;
    $("[data-clerk-name]").textContent = clerk ? clerk.name : "";
    $("[data-clerk-number]").textContent = clerk && clerk.staff_number ? live.format(t.staffNumber, { number: clerk.staff_number }) : "";
    $("[data-idle-text]").hidden = !clerk;
    var box = $("[data-photo-box]");
    var img = box.querySelector("img");
    if (clerk && clerk.photo) {
      if (!img) { img = document.createElement("img"); img.alt = ""; box.appendChild(img); }
      img.src = body.dataset.photo + "?clerk=" + clerk.id;
      box.querySelector("[data-initial]").textContent = "";
    } else {
      if (img) { box.removeChild(img); }
      box.querySelector("[data-initial]").textContent = clerk ? clerk.name.slice(0, 1) : "";
    }
    if (!clerk) { $("[data-clerk-name]").textContent = t.noClerk; }
    if (state && state.window) {
      $("[data-window]").textContent = state.window.name ? state.window.number + " " + state.window.name : state.window.number;
    }
  }

  function stopTimer() { if (timer) { clearInterval(timer); timer = null; } }

  function idle() {
    stopTimer();
    current = null;
    choice = null;
    renderIdle();
    show("idle");
  }

  function pressed(el, on) { el.setAttribute("aria-pressed", on ? "true" : "false"); }

  function resetRating() {
    all("[data-level]").forEach(function (b) { pressed(b, false); });
    all("[data-star]").forEach(function (b) { pressed(b, false); });
    all("[data-tag]").forEach(function (b) { pressed(b, false); });
    $("[data-details]").hidden = true;
  }

  function invite(invitation) {
    current = { ticket: invitation.ticket, number: invitation.number, until: Date.now() + invitation.expires_in * 1000 };
    choice = null;
    resetRating();
    $("[data-rate-number]").textContent = invitation.number;
    show("rate");
    countDown();
  }

  function countDown() {
    stopTimer();
    timer = setInterval(tick, 1000);
    tick();
  }

  function tick() {
    if (!current) { return stopTimer(); }
    var now = Date.now();
    if (choice && choice.submitAt && now >= choice.submitAt) { return submit(); }
    if (now >= current.until) { return idle(); }
    var el = $("[data-countdown]");
    el.textContent = choice && choice.submitAt
      ? live.format(t.autoSubmit, { seconds: Math.ceil((choice.submitAt - now) / 1000) })
      : live.format(t.closes, { seconds: Math.ceil((current.until - now) / 1000) });
  }

  function chooseLevel(level) {
    var bad = level <= 2;
    choice = { level: level, scores: {}, tags: [], submitAt: Date.now() + AUTO_SUBMIT_SECONDS * 1000 };
    all("[data-level]").forEach(function (b) { pressed(b, Number(b.dataset.level) === level); });
    all("[data-dimension]").forEach(function (row) { setStars(row, level); });
    all("[data-tag]").forEach(function (b) { pressed(b, false); });
    $("[data-tags=good]").hidden = bad;
    $("[data-tags=bad]").hidden = !bad;
    $("[data-details]").hidden = false;
    tick();
  }

  /* The citizen is still choosing: the automatic submission waits. */
  function keepChoosing() { choice.submitAt = Date.now() + AUTO_SUBMIT_SECONDS * 1000; }

  function setStars(row, value) {
    choice.scores[row.dataset.dimension] = value;
    row.querySelectorAll("[data-star]").forEach(function (b) { pressed(b, Number(b.dataset.star) <= value); });
  }

  function submit() {
    if (!current || !choice) { return; }
    var review = {
      type: "rate",
      id: String(current.ticket) + "-" + Date.now(),
      ticket: current.ticket,
      level: choice.level,
      scores: choice.scores,
      tags: choice.tags,
      at: new Date(live.serverNow()).toISOString()  // the hall's clock: the tablet's may be wrong
    };
    done[current.ticket] = true;
    saveOutbox(outbox().concat([review]));
    connection.send(review);
    thank();
  }

  function thank() {
    stopTimer();
    current = null;
    choice = null;
    $("[data-refused]").textContent = "";
    show("thanks");
    var seconds = (state && state.thanks_seconds) || 6;
    timer = setInterval(function () { stopTimer(); after(); }, seconds * 1000);
  }

  /* After thanks: the hall's newest state decides (a newer invitation, or idle). */
  function after() {
    var invitation = state && state.invite;
    if (invitation && !done[invitation.ticket]) { invite(invitation); } else { idle(); }
  }

  function onState(message) {
    state = message;
    flush();
    var screen = $(".ev-screen").dataset.screen;
    var invitation = message.invite;
    if (screen === "thanks") { renderIdle(); return; }
    if (invitation && !done[invitation.ticket]) {
      if (!current || current.ticket !== invitation.ticket) { invite(invitation); }
      return;
    }
    if (screen === "rate" && !invitation) { return idle(); }
    if (screen === "idle") { renderIdle(); }
  }

  function onMessage(message) {
    if (message.type === "unpaired") { location.href = body.dataset.pair; return; }
    if (message.type === "rated" || message.type === "refused") {
      saveOutbox(outbox().filter(function (item) { return item.id !== message.id; }));
      if (message.type === "refused" && message.code !== "already_rated" && $(".ev-screen").dataset.screen === "thanks") {
        $("[data-refused]").textContent = message.message;
      }
    }
  }

  document.addEventListener("click", function (event) {
    var level = event.target.closest("[data-level]");
    if (level) { return chooseLevel(Number(level.dataset.level)); }
    var star = event.target.closest("[data-star]");
    if (star && choice) { keepChoosing(); return setStars(star.parentNode, Number(star.dataset.star)); }
    var tag = event.target.closest("[data-tag]");
    if (tag && choice) {
      keepChoosing();
      var on = tag.getAttribute("aria-pressed") !== "true";
      pressed(tag, on);
      choice.tags = all("[data-tags]:not([hidden]) [data-tag][aria-pressed=true]").map(function (b) { return b.dataset.tag; });
      return;
    }
    if (event.target.closest("[data-submit]")) { submit(); }
  });
  // Full screen from the first touch (browsers allow it only on a gesture); a kiosk browser may be full screen already.
  document.addEventListener("pointerdown", function () {
    var root = document.documentElement;
    if (!document.fullscreenElement && root.requestFullscreen) { root.requestFullscreen().catch(function () {}); }
  }, { once: true });
  // Touch only: no context menu or text selection by a long press.
  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });

  // Reviews still waiting in the outbox after a reload are done here: their tickets are not offered again.
  outbox().forEach(function (item) { done[item.ticket] = true; });
  connection = live.connect(body.dataset.socket, { onSnapshot: onState, onDelta: onMessage });
  renderIdle();
})();
