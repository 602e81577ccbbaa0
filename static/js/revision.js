/* 编辑项目 (templates/projects/project_form.html): the 项目调整 fields (调整原因, 批复文号) of a
   listed project are shown only once 总投资 or 计划竣工日期 differs from what is stored, since
   only then is the save a revision. A static file: the Content-Security-Policy allows no inline
   script. Without JavaScript the fields are always shown; the service asks for the reason. */
(function () {
  "use strict";

  var block = document.getElementById("revision");
  var total = document.getElementById("id_total_investment");
  var end = document.getElementById("id_planned_end");
  if (!block || !total || !end) {
    return;
  }
  var storedTotal = parseFloat(block.getAttribute("data-total"));
  var storedEnd = block.getAttribute("data-end") || "";

  function changed() {
    var typed = parseFloat(total.value.replace(/[,，\s]/g, ""));
    var totalChanged = !(isNaN(typed) && isNaN(storedTotal)) && typed !== storedTotal;
    return totalChanged || end.value !== storedEnd;
  }

  function show() {
    block.hidden = !changed();
  }

  if (block.hasAttribute("data-hide-unchanged")) {
    show();
    total.addEventListener("input", show);
    end.addEventListener("input", show);
    end.addEventListener("change", show);
  }
}());
