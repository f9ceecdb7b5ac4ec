/* Community station (社区代取号): choosing the station or hall reloads the page with its queues; the queue list
   filters as the worker types a queue's or a matter's name, its pinyin or its initials; one submission per form. */
(function () {
  "use strict";

  var body = document.body;

  Array.prototype.forEach.call(document.querySelectorAll("[data-autosubmit]"), function (select) {
    select.addEventListener("change", function () {
      var hall = select.form.querySelector("[name=hall]");
      if (select.name === "station" && hall) { hall.disabled = true; }  // the new station's nearest hall
      select.form.submit();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-station-show]"), function (button) {
    button.hidden = true;  // the choosers submit by themselves
  });

  var form = document.querySelector("[data-station-form]");
  if (!form) { return; }
  var indexNode = document.getElementById("station-index");
  var entries = indexNode ? JSON.parse(indexNode.textContent) : [];
  var query = form.querySelector("[data-station-query]");
  var empty = form.querySelector("[data-station-empty]");
  var rows = {};
  Array.prototype.forEach.call(form.querySelectorAll("[data-station-queue]"), function (row) {
    rows[row.dataset.stationQueue] = row;
  });

  /* A name containing the text, initials containing it, or the pinyin from the start of a syllable. */
  function matches(entry, text) {
    var lower = text.toLowerCase();
    if (entry.name.indexOf(text) >= 0 || entry.initials.indexOf(lower) >= 0) { return true; }
    for (var i = 0; i < entry.syllables.length; i++) {
      if (entry.syllables.slice(i).join("").indexOf(lower) === 0) { return true; }
    }
    return false;
  }

  function filter() {
    var text = query.value.trim();
    var hits = {};
    entries.forEach(function (entry) {
      if (text && !matches(entry, text)) { return; }
      var names = hits[entry.queue] = hits[entry.queue] || [];
      if (text && entry.kind === "matter") { names.push(entry.name); }
    });
    var shown = 0;
    Object.keys(rows).forEach(function (id) {
      var row = rows[id];
      var checked = row.querySelector("input").checked;
      row.hidden = !hits[id] && !checked;  // the chosen queue stays in sight
      if (!row.hidden) { shown += 1; }
      var matters = row.querySelector("[data-station-matters]");
      var names = hits[id] || [];
      matters.textContent = names.slice(0, 3).join(" · ") + (names.length > 3 ? " …" : "");
      matters.hidden = names.length === 0;
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-station-zone]"), function (zone) {
      zone.hidden = !zone.querySelector("[data-station-queue]:not([hidden])");
    });
    empty.hidden = shown > 0;
  }

  query.addEventListener("input", filter);
  query.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();  // Enter in the search chooses the only queue found instead of submitting
    var open = form.querySelectorAll("[data-station-queue]:not([hidden]) input:not([disabled])");
    if (open.length === 1) { open[0].checked = true; }
  });

  form.addEventListener("submit", function (event) {
    if (form.dataset.sending) {
      event.preventDefault();  // a double click: the first one counts (the idempotency key says so too)
      return;
    }
    form.dataset.sending = "1";
    body.classList.add("station-sending");
  });
  /* Back from the result page (the page comes out of the browser's cache): this is the next citizen, so a new key. */
  window.addEventListener("pageshow", function (event) {
    delete form.dataset.sending;
    body.classList.remove("station-sending");
    if (event.persisted) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      form.elements.idempotency_key.value = Array.prototype.map.call(bytes, function (b) {
        return (b + 256).toString(16).slice(1);
      }).join("");
    }
  });
})();
