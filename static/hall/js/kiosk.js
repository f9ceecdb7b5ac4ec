/* Kiosk (取号机): pinyin search with an on-screen keyboard, the optional identity step with a numeric keypad, the
   appointment check-in sheet with its code keypad, one idempotency key per touch, and on the slip the print button,
   automatic printing and the return to the start. */
(function () {
  "use strict";

  var body = document.body;
  var idleResets = [];  // what the start screen clears after a minute without a touch

  /* ---- A fresh key for each touch that starts taking a number: a double tap or a retried POST sends the same
     key and gets the same ticket back. crypto.randomUUID needs a secure context; kiosks on a hall intranet may be
     on plain http, so build the key from getRandomValues, or from the clock and Math.random as a last resort. */
  function newKey() {
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    var hex = "";
    for (var j = 0; j < bytes.length; j++) { hex += (bytes[j] + 256).toString(16).slice(1); }
    return Date.now().toString(36) + "-" + hex;
  }

  /* ---- Pinyin matching. An entry matches when its Chinese name contains the query, or when the query reads as
     prefixes of consecutive syllables: "bdc" and "gs" (initials), "budongchan" (full pinyin), "budc", "gongsh".
     A query never matches across the middle of syllables: "gs" does not find 商事 (shanG Shi). */
  function syllablePrefixes(syllables, i, query, j) {
    if (j === query.length) { return true; }
    if (i >= syllables.length) { return false; }
    var syllable = syllables[i];
    for (var n = Math.min(syllable.length, query.length - j); n >= 1; n--) {
      if (syllable.substr(0, n) === query.substr(j, n) && syllablePrefixes(syllables, i + 1, query, j + n)) {
        return true;
      }
    }
    return false;
  }

  /* 0: matches from the start of the name, 1: further in, -1: no match. */
  function score(entry, query) {
    var lower = query.toLowerCase();
    var at = entry.name.indexOf(query);
    if (at === 0 || entry.initials.indexOf(lower) === 0 || syllablePrefixes(entry.syllables, 0, lower, 0)) {
      return 0;
    }
    if (at > 0 || entry.initials.indexOf(lower) > 0) { return 1; }
    for (var start = 1; start < entry.syllables.length; start++) {
      if (syllablePrefixes(entry.syllables, start, lower, 0)) { return 1; }
    }
    return -1;
  }

  function startScreen(form) {
    var indexNode = document.getElementById("kiosk-index");
    var entries = indexNode ? JSON.parse(indexNode.textContent) : [];
    var query = form.querySelector("[data-kiosk-query]");
    var results = form.querySelector("[data-kiosk-results]");
    var resultList = form.querySelector("[data-kiosk-result-list]");
    var empty = form.querySelector("[data-kiosk-empty]");
    var count = form.querySelector("[data-kiosk-count]");
    var zones = form.querySelector("[data-kiosk-zones]");
    var scroller = form.querySelector("[data-kiosk-scroll]");
    var step = form.querySelector("[data-kiosk-step]");
    var idInput = form.querySelector("[data-kiosk-id]");
    var chosen = form.querySelector("[data-kiosk-chosen]");
    var confirm = form.querySelector("[data-kiosk-confirm]");
    // By element, not by form.elements: the queue buttons share the name "queue" with this hidden field.
    var queueField = form.querySelector("input[type=hidden][name=queue]");
    var matterField = form.querySelector("input[type=hidden][name=matter]");
    var keyField = form.querySelector("input[type=hidden][name=idempotency_key]");
    var buttons = {};
    Array.prototype.forEach.call(resultList.querySelectorAll("[data-entry]"), function (button) {
      buttons[button.dataset.entry] = button;
    });

    function filter() {
      var text = query.value.trim();
      if (!text) {
        results.hidden = true;
        zones.hidden = false;
        return;
      }
      var found = [];
      entries.forEach(function (entry, order) {
        var s = score(entry, text);
        if (s >= 0 && buttons[entry.key]) { found.push({ score: s, order: order, key: entry.key }); }
      });
      found.sort(function (a, b) { return a.score - b.score || a.order - b.order; });
      Object.keys(buttons).forEach(function (key) { buttons[key].hidden = true; });
      found.forEach(function (hit) {
        resultList.appendChild(buttons[hit.key]);
        buttons[hit.key].hidden = false;
      });
      count.textContent = found.length ? "(" + found.length + ")" : "";
      empty.hidden = found.length > 0;
      results.hidden = false;
      zones.hidden = true;
      scroller.scrollTop = 0;
    }

    function typeKey(key) {
      if (key === "clear") { query.value = ""; }
      else if (key === "backspace") { query.value = query.value.slice(0, -1); }
      else if (query.value.length < 20) { query.value += key; }
      filter();
    }

    function openStep(button) {
      queueField.value = button.dataset.queue;
      matterField.value = button.dataset.matter || "";
      keyField.value = newKey();
      chosen.textContent = button.dataset.label || "";
      idInput.value = "";
      updateConfirm();
      step.hidden = false;
      body.classList.add("kiosk-step-open");
      idInput.focus({ preventScroll: true });  // a card reader that types like a keyboard lands here
    }

    function closeStep() {
      step.hidden = true;
      body.classList.remove("kiosk-step-open");
      idInput.value = "";
      queueField.value = "";
      matterField.value = "";
      Array.prototype.forEach.call(step.querySelectorAll(".kiosk-messages"), function (node) { node.remove(); });
    }

    function updateConfirm() {
      idInput.value = idInput.value.toUpperCase().replace(/[^0-9X]/g, "").slice(0, 18);
      confirm.disabled = idInput.value.length !== 18;
    }

    form.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (key) { typeKey(key.dataset.key); return; }
      var digit = event.target.closest("[data-digit]");
      if (digit) {
        if (digit.dataset.digit === "backspace") { idInput.value = idInput.value.slice(0, -1); }
        else { idInput.value += digit.dataset.digit; }
        updateConfirm();
        idInput.focus({ preventScroll: true });  // ready for a card reader at any moment
        return;
      }
      if (event.target.closest("[data-kiosk-back]")) { closeStep(); return; }
      var choice = event.target.closest("[data-entry]");
      if (choice && !choice.disabled) {
        event.preventDefault();  // the queue buttons submit by themselves only where this script does not run
        openStep(choice);
      }
    });

    query.addEventListener("input", filter);
    idInput.addEventListener("input", updateConfirm);
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT") { return; }
      event.preventDefault();  // Enter in a field would submit with the first queue button
      if (event.target === idInput && !confirm.disabled) { confirm.click(); }
    });

    form.addEventListener("submit", function (event) {
      if (form.dataset.sending || !queueField.value) {
        event.preventDefault();
        return;
      }
      if (event.submitter && event.submitter.name === "skip") { idInput.value = ""; }
      form.dataset.sending = "1";
      body.classList.add("kiosk-sending");
    });

    /* Somebody walked away half-way: after a minute without a touch, clear the search and the identity step. */
    var idle = parseInt(body.dataset.idleReset || "0", 10);
    var idleTimer = null;
    function reset() {
      if (form.dataset.sending || body.classList.contains("kiosk-sending")) {
        location.replace(form.dataset.startUrl);  // the network hung
        return;
      }
      idleResets.forEach(function (fn) { fn(); });
      closeStep();
      query.value = "";
      filter();
      Array.prototype.forEach.call(document.querySelectorAll(".kiosk-messages"), function (node) { node.remove(); });
    }
    function touched() {
      if (!idle) { return; }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(reset, idle * 1000);
    }
    ["pointerdown", "keydown", "input"].forEach(function (name) { document.addEventListener(name, touched, true); });
    touched();

    /* Back at the identity step after the number was refused: the same choice, a new key. */
    var reopen = form.dataset.reopen && buttons[form.dataset.reopen];
    if (reopen && !reopen.disabled) { openStep(reopen); }
  }

  /* Appointment check-in (预约签到): a sheet over the start screen with a keypad for the code of the appointment.
     Opened by its entry on the start screen, or by the page itself (?checkin=1) after a refused code. */
  function checkInSheet(sheet) {
    var form = sheet.querySelector("[data-kiosk-checkin-form]");
    var input = form.querySelector("[data-kiosk-code]");
    var boxes = form.querySelectorAll(".kiosk-code-box");
    var confirm = form.querySelector("[data-kiosk-checkin-confirm]");
    var keyField = form.querySelector("input[name=idempotency_key]");
    var length = parseInt(input.getAttribute("maxlength") || "6", 10);

    function update() {
      input.value = input.value.replace(/\D/g, "").slice(0, length);
      Array.prototype.forEach.call(boxes, function (box, i) {
        box.textContent = input.value.charAt(i);
        box.classList.toggle("is-filled", i < input.value.length);
        box.classList.toggle("is-next", i === input.value.length);
      });
      confirm.disabled = input.value.length !== length;
    }

    function clearRefusal() {
      Array.prototype.forEach.call(sheet.querySelectorAll(".kiosk-checkin-refusal"), function (node) { node.remove(); });
    }

    function open() {
      keyField.value = newKey();
      input.value = "";
      update();
      sheet.hidden = false;
      body.classList.add("kiosk-checkin-open");
    }

    function close() {
      sheet.hidden = true;
      body.classList.remove("kiosk-checkin-open");
      input.value = "";
      update();
      clearRefusal();
      if (/[?&]checkin=1/.test(location.search) && window.history && history.replaceState) {
        history.replaceState(null, "", location.pathname + location.search.replace(/([?&])checkin=1&?/, "$1").replace(/[?&]$/, ""));
      }
    }

    function type(key) {
      if (key === "backspace") { input.value = input.value.slice(0, -1); }
      else if (key === "clear") { input.value = ""; }
      else if (input.value.length < length) { input.value += key; }
      if (input.value) { clearRefusal(); }  // a new attempt: the old refusal no longer applies
      update();
    }

    document.addEventListener("click", function (event) {
      var entry = event.target.closest("[data-kiosk-checkin-open]");
      if (entry) {
        event.preventDefault();  // without this script the link opens the sheet through the server
        open();
      }
    });
    form.addEventListener("click", function (event) {
      var key = event.target.closest("[data-code-key]");
      if (key) { type(key.dataset.codeKey); return; }
      if (event.target.closest("[data-kiosk-checkin-close]")) { close(); }
    });
    /* A keypad or keyboard plugged into the kiosk (and the maintenance staff's laptop) types too. */
    document.addEventListener("keydown", function (event) {
      if (sheet.hidden) { return; }
      if (/^[0-9]$/.test(event.key)) { type(event.key); event.preventDefault(); }
      else if (event.key === "Backspace") { type("backspace"); event.preventDefault(); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter") {
        event.preventDefault();
        if (!confirm.disabled) { confirm.click(); }
      }
    });
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending || input.value.length !== length) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      body.classList.add("kiosk-sending");
    });

    idleResets.push(function () { if (!sheet.hidden) { close(); } });
    if (sheet.hidden) { update(); }
    else { keyField.value = newKey(); update(); body.classList.add("kiosk-checkin-open"); }  // back after a refusal
  }

  function slipScreen() {
    var printButton = document.querySelector("[data-kiosk-print]");
    if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
    var slip = body.dataset.slip;
    if (body.dataset.autoprint === "1" && slip) {
      var printed = "kiosk-printed-" + slip;
      var already = false;
      try { already = sessionStorage.getItem(printed) === "1"; sessionStorage.setItem(printed, "1"); } catch (e) { /* private mode */ }
      if (!already) { window.addEventListener("load", function () { window.print(); }); }
    }
  }

  /* After showing a number, go back to the start screen for the next person. */
  function returnToStart() {
    var url = body.dataset.returnUrl;
    var seconds = parseInt(body.dataset.returnAfter || "0", 10);
    if (!url || seconds <= 0) { return; }
    var countdown = document.querySelector("[data-kiosk-countdown]");
    var left = seconds;
    var tick = setInterval(function () {
      left -= 1;
      if (countdown) { countdown.textContent = String(Math.max(left, 0)); }
      if (left <= 0) { clearInterval(tick); location.href = url; }
    }, 1000);
  }

  /* 找回号码: the keypad types the identity or mobile number into the one field. */
  function findScreen(findForm) {
    var input = findForm.querySelector("[data-find-input]");
    findForm.addEventListener("click", function (event) {
      var key = event.target.closest("[data-find-key]");
      if (!key) { return; }
      if (key.dataset.findKey === "backspace") { input.value = input.value.slice(0, -1); }
      else if (input.value.length < 18) { input.value += key.dataset.findKey; }
    });
  }

  var findForm = document.querySelector("[data-kiosk-find]");
  if (findForm) { findScreen(findForm); }
  var checkIn = document.querySelector("[data-kiosk-checkin]");
  if (checkIn) { checkInSheet(checkIn); }
  var form = document.querySelector("[data-kiosk-form]");
  if (form) { startScreen(form); }
  slipScreen();
  returnToStart();
})();
