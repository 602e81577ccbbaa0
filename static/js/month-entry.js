// The month entry page (月度填报): a confirmation before 报送 that names how many projects
// and what total are being sent, and 本月无变化, which puts last month's text back.
// Served from static/ because the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var form = document.getElementById("month-entry");
  if (!form) return;

  // Sum amounts typed in 万元 exactly: as integers of 1/10000 万元 (BigInt), never floats.
  function tenThousandths(text) {
    var match = /^\s*(\d+)(?:\.(\d{0,4}))?\s*$/.exec(text);
    if (!match) return null;
    return BigInt(match[1]) * 10000n + BigInt(((match[2] || "") + "0000").slice(0, 4));
  }
  // As core/formatting.py's wan_text writes every amount: thousands separators, at least
  // two decimals, the others when they are not zero (3,600.00万元, 186.375万元).
  function inWan(value) {
    var whole = (value / 10000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var part = (value % 10000n).toString().padStart(4, "0");
    while (part.length > 2 && part.endsWith("0")) part = part.slice(0, -1);
    return whole + "." + part + "万元";
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.value !== "submit") return;
    var count = 0, total = 0n;
    form.querySelectorAll("input[name$='-amount']").forEach(function (input) {
      var value = tenThousandths(input.value);
      if (value !== null) { count += 1; total += value; }
    });
    if (!count) {
      window.alert("还没有填写本月完成投资的项目，无法报送（本月没有完成投资请填0）。");
      event.preventDefault();
      return;
    }
    var message = "将报送" + count + "个项目的月报，本月完成投资合计" + inWan(total) + "。\n" +
      "如有数据质量提示，将先列出供您核对或填写说明，确认后才报送；" +
      "报送后不能修改（如需更正须由项目办退回）。继续吗？";
    if (!window.confirm(message)) event.preventDefault();
  });

  // The file picker itself is hidden behind a 添加照片 button: say how many were chosen.
  form.querySelectorAll(".photo-pick input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var count = input.files.length;
      input.parentNode.querySelector(".js-photo-count").textContent =
        count ? "已选" + count + "张" : "可多选";
    });
  });

  form.querySelectorAll(".js-unchanged").forEach(function (box) {
    var row = box.closest("tr");
    var progress = row.querySelector("textarea[name$='-progress']");
    var problems = row.querySelector("textarea[name$='-problems']");
    var category = row.querySelector("select[name$='-problem_category']");
    var typed = null;
    function apply() {
      if (box.checked) {
        typed = [progress.value, problems.value, category.value];
        progress.value = box.dataset.progress;
        problems.value = box.dataset.problems;
        category.value = box.dataset.category;
      } else if (typed) {
        progress.value = typed[0]; problems.value = typed[1]; category.value = typed[2];
      }
      progress.readOnly = problems.readOnly = box.checked;
      category.disabled = box.checked;  // the server takes last month's category anyway
    }
    box.addEventListener("change", apply);
    if (box.checked) apply();
  });
})();
