/* A websocket that survives: snapshot on every (re)connect, deltas in between, a visible stale mark when down. */
(function () {
  "use strict";
  var SILENCE_LIMIT_MS = 30000;
  var clockOffsetMs = 0;

  function format(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (_, key) {
      return params[key] === undefined || params[key] === null ? "" : params[key];
    });
  }

  function texts() {
    var el = document.getElementById("i18n");
    return el ? el.dataset : {};
  }

  function connect(path, handlers) {
    var attempt = 0;
    var socket = null;
    var lastMessageAt = 0;

    function setStale(stale) {
      document.body.classList.toggle("is-stale", stale);
      document.body.dataset.live = stale ? "stale" : "live";
    }

    function open() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + path);
      socket.onopen = function () { attempt = 0; };
      socket.onmessage = function (event) {
        var message = JSON.parse(event.data);
        if (message.type === "pong") { return; }  // a pong proves the socket, not that the hall still sends
        lastMessageAt = Date.now();
        if (message.type === "snapshot") {
          setStale(false);
          // The hall's clocks follow the server, not the device, whose clock may be wrong.
          if (message.generated_at) { clockOffsetMs = Date.parse(message.generated_at) - Date.now(); }
          handlers.onSnapshot(message);
        } else {
          handlers.onDelta(message);
        }
      };
      socket.onclose = function () {
        setStale(true);
        // Back off 1 s, 2 s, 4 s … up to 30 s, with jitter so a hall of screens does not reconnect in one burst.
        var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
        attempt += 1;
        setTimeout(open, delay);
      };
    }

    setStale(true);
    open();
    setInterval(function () {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "ping" }));
        if (lastMessageAt && Date.now() - lastMessageAt > SILENCE_LIMIT_MS) { socket.close(); }
      }
    }, 10000);
    return {
      /* Send a message now; false while the socket is down (the caller keeps it for the next connection). */
      send: function (message) {
        if (!socket || socket.readyState !== WebSocket.OPEN) { return false; }
        socket.send(JSON.stringify(message));
        return true;
      }
    };
  }

  function startClock() {
    var el = document.querySelector("[data-clock]");
    if (!el) { return; }
    var options = { hour12: false, timeZone: document.body.dataset.timeZone || undefined };
    function tick() {
      el.textContent = new Date(Date.now() + clockOffsetMs).toLocaleTimeString("zh-CN", options);
    }
    tick();
    setInterval(tick, 1000);
  }

  /* The server's time now, as far as the last snapshot tells (for timers that run between messages). */
  function serverNow() { return Date.now() + clockOffsetMs; }

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = text; }
    return el;
  }

  window.HallLive = { connect: connect, format: format, texts: texts, startClock: startClock, clear: clear,
    node: node, serverNow: serverNow };
})();
