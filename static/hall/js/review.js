/* The review page on a phone: the tags that fit the chosen level only (the hall refuses good tags on a bad review). */
(function () {
  "use strict";
  var form = document.querySelector(".rv-form");
  if (!form) { return; }
  function sync() {
    var chosen = form.querySelector("input[name=level]:checked");
    var bad = chosen ? Number(chosen.value) <= 2 : null;
    form.querySelectorAll("[data-tags]").forEach(function (group) {
      var show = bad === null ? false : (group.dataset.tags === "bad") === bad;
      group.hidden = !show;
      if (!show) { group.querySelectorAll("input").forEach(function (box) { box.checked = false; }); }
    });
  }
  form.addEventListener("change", sync);
  sync();
})();
