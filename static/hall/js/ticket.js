/* The citizen's live ticket: its own place in line from the queue's messages, and the call in big type with a
   beep (Web Audio, no file) and a vibration. The phone follows one queue; it finds itself by its ticket id. */
(function () {
  "use strict";
  var live = window.HallLive;
  var t = live.texts();
  var body = document.body;
  var statusBox = document.querySelector("[data-status-box]");
  var statusText = document.querySelector("[data-status-text]");
  var statusSub = document.querySelector("[data-status-sub]");
  var facts = document.querySelector("[data-waiting-facts]");
  var aheadEl = document.querySelector("[data-ahead]");
  var estimateEl = document.querySelector("[data-estimate]");
  var soundButton = document.querySelector("[data-sound]");
  var queueEl = document.querySelector("[data-queue-name]");
  var baseTitle = document.title;
  var WORDS = { waiting: t.waiting, serving: t.serving, finished: t.finished, no_show: t.noShow,
    cancelled: t.cancelled, expired: t.expired, transferred: t.transferred };

  var state = {
    id: parseInt(body.dataset.ticket, 10),
    status: body.dataset.status,
    window: body.dataset.window ? parseInt(body.dataset.window, 10) : null,
    ahead: null,
    beyond: false,  // further back than the ids the hall sends: "500+"
    estimate: null,
  };
  // A call already on the page when it opened is not announced again; every later call or recall is.
  var announced = state.status === "called" ? state.id + ":" + body.dataset.callCount : null;

  function render() {
    var called = state.status === "called";
    statusText.textContent = called ? live.format(t.called, { window: state.window })
      : (WORDS[state.status] || state.status);
    body.dataset.status = state.status;
    var rate = document.querySelector("[data-rate-link]");
    if (rate) { rate.hidden = state.status !== "finished"; }
    var cancel = document.querySelector("[data-cancel]");
    if (cancel) { cancel.hidden = state.status !== "waiting" && state.status !== "no_show"; }
    var detail = state.status === "serving" && state.window ? live.format(t.window, { number: state.window }) : "";
    statusSub.textContent = detail;
    statusSub.hidden = !detail;
    facts.hidden = state.status !== "waiting";
    if (state.status === "waiting" && state.ahead !== null) {
      aheadEl.textContent = state.beyond ? state.ahead + "+" : String(state.ahead);
      // As queueing.selectors.position.wait_text: nobody ahead is no wait, somebody ahead is at least a minute.
      estimateEl.textContent = state.ahead === 0 ? t.next
        : live.format(t.estimate, { minutes: Math.max(1, state.estimate || 0) });
    }
    document.title = called ? statusText.textContent + " · " + baseTitle : baseTitle;
  }

  // --- Sound and vibration ---------------------------------------------------------------------------------------
  var audio = null;

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return null; }
    if (!audio) {
      try { audio = new Context(); } catch (e) { return null; }
    }
    if (audio.state === "suspended" && audio.resume) { audio.resume().catch(function () {}); }
    return audio;
  }

  function beep(times) {
    var ctx = audioContext();
    if (!ctx) { return; }
    var start = ctx.currentTime + 0.05;
    for (var i = 0; i < times; i += 1) {
      var at = start + i * 0.5;
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.4);
    }
  }

  function announce(key) {
    if (key === announced) { return; }
    announced = key;
    beep(3);
    if (typeof navigator.vibrate === "function") {
      try { navigator.vibrate([300, 100, 300]); } catch (e) { /* not allowed before a tap on some phones */ }
    }
    statusBox.classList.remove("flash");
    void statusBox.offsetWidth;  // restart the animation
    statusBox.classList.add("flash");
    body.dataset.announced = String(parseInt(body.dataset.announced || "0", 10) + 1);
  }

  statusBox.addEventListener("animationend", function () { statusBox.classList.remove("flash"); });

  // Phones let a page play sound only after a tap: the button (or any tap) unlocks it for later calls.
  function unlock() { audioContext(); }
  document.addEventListener("pointerdown", unlock, { once: true });
  soundButton.addEventListener("click", function () {
    beep(1);
    soundButton.textContent = t.soundOn;
    soundButton.setAttribute("aria-pressed", "true");
    soundButton.disabled = true;
  });

  // --- The socket ---------------------------------------------------------------------------------------------
  live.connect(body.dataset.socket, {
    onSnapshot: function (s) {
      state.id = s.ticket.id;  // after a transfer, the onward ticket
      state.status = s.ticket.status;
      state.window = s.ticket.window;
      state.ahead = s.ahead;
      state.beyond = false;
      state.estimate = s.estimated_minutes;
      queueEl.textContent = s.ticket.queue.prefix + " · " + s.ticket.queue.name;
      render();
      // Called while the connection was down: announce it now.
      if (state.status === "called") { announce(state.id + ":" + s.ticket.call_count); }
    },
    onDelta: function (d) {
      if (d.type !== "queue") { return; }  // "alive": the hall is there, nothing changed
      // The events of the queue since its last message, oldest first; the state after all of them.
      var news = (d.events || []).filter(function (e) { return e.ticket === state.id; });
      var latest = news.length ? news[news.length - 1] : null;
      var mine = latest !== null;
      var called = news.filter(function (e) { return e.event === "called" || e.event === "recalled"; }).pop();
      var at = d.calls[String(state.id)];
      var index = d.waiting.indexOf(state.id);
      if (at !== undefined) {
        state.status = d.serving.indexOf(state.id) >= 0 ? "serving" : "called";
        state.window = at;
      } else if (index >= 0) {
        state.status = "waiting";
        state.ahead = index;
        state.beyond = false;
      } else if (mine && latest.status !== "waiting") {
        state.status = latest.status;
      } else if ((state.status === "waiting" || mine) && d.total > d.waiting.length) {
        state.status = "waiting";
        state.ahead = d.waiting.length;
        state.beyond = true;
      }
      if (state.status === "waiting" && state.ahead !== null) {
        state.estimate = Math.round(state.ahead * d.per_person);
      }
      render();
      if (called) { announce(state.id + ":" + called.call_count); }
    },
  });
})();
