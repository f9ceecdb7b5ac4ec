/* Calling display: the newest call in large type, the last calls below, waiting per queue, and the voice. */
(function () {
  "use strict";
  var live = window.HallLive;
  var t = live.texts();
  var callNow = document.querySelector("[data-call-now]");
  var numberEl = document.querySelector("[data-call-number]");
  var windowEl = document.querySelector("[data-call-window]");
  var screenTextEl = document.querySelector("[data-call-text]");
  var recentEl = document.querySelector("[data-recent-calls]");
  var queuesEl = document.querySelector("[data-queues]");
  var recent = [];
  var templates = { voice: "请{number}号到{window}号窗口办理", screen: "请{number}到{window}号窗口" };
  var DIGITS = "零一二三四五六七八九";
  var REPEATS = 2;  // each call is said twice, as halls do

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
    screenTextEl.textContent = live.format(templates.screen, { number: call.number, window: call.window_number });
    if (flash) {
      callNow.classList.remove("flash");
      void callNow.offsetWidth;  // restart the animation
      callNow.classList.add("flash");
    }
  }

  live.startClock();
  live.connect(document.body.dataset.socket, {
    onSnapshot: function (s) {
      if (s.announce) { templates = s.announce; }
      recent = s.recent_calls.slice();
      if (recent.length) { showCall(recent[0], false); }
      showRecent();
      queuesEl._queues = {};
      live.renderQueues(queuesEl, s.queues, t.waiting);
    },
    onDelta: function (d) {
      if (d.queues) { live.renderQueues(queuesEl, d.queues, t.waiting); }
      // A delta carries every call and recall since the last one, oldest first: each is shown and spoken.
      (d.calls || []).forEach(function (call) {
        recent = [call].concat(recent.filter(function (c) { return c.number !== call.number; })).slice(0, 8);
        showCall(call, true);
        showRecent();
        announce(call);
      });
    },
  });
})();
