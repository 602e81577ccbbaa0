/* 年度设置 (templates/investment/year_settings.html): the weights' running sum as the office
   types, and a preview marked out of date (its 保存 disabled) once the form above changes,
   since 保存 saves what was previewed. A static file: the Content-Security-Policy allows no
   inline script. Without JavaScript the sum shown is the one the page was drawn with. */
(function () {
  "use strict";

  var form = document.getElementById("settings-form");
  var output = document.getElementById("weight-sum");
  if (!form || !output) {
    return;
  }
  var weights = form.querySelectorAll("input[data-weight]");
  var note = document.getElementById("weight-sum-note");

  function sum() {
    var total = 0;
    for (var i = 0; i < weights.length; i += 1) {
      var value = weights[i].value.trim();
      if (!/^\d+$/.test(value)) {
        return null;
      }
      total += parseInt(value, 10);
    }
    return total;
  }

  function show() {
    var total = sum();
    output.textContent = total === null ? "—" : String(total);
    var wrong = total !== 100;
    output.classList.toggle("behind", wrong);
    if (note) {
      note.textContent = total === null ? "（请填写整数）" : wrong ? "（应为100）" : "";
    }
  }

  function outdated() {
    var stale = document.getElementById("stale-preview");
    var save = document.querySelector("form.save-previewed button");
    if (stale && save) {
      stale.hidden = false;
      save.disabled = true;
    }
  }

  form.addEventListener("input", function (event) {
    show();
    if (event.target.matches("input")) {
      outdated();
    }
  });
  show();
})();
