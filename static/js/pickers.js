// Project pickers (projects/widgets.py; loaded on every page by base.html): a unit select and a type-to-filter box above a
// long list of projects. Without this script the list works as it is.
(function () {
  "use strict";

  function itemsOf(picker) {
    if (picker.tagName === "SELECT") {
      return Array.prototype.filter.call(picker.options, function (o) { return o.value !== ""; });
    }
    return Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox]"));
  }

  function rowOf(picker, item) {
    return picker.tagName === "SELECT" ? item : item.closest("div");
  }

  function isChosen(item) {
    return item.tagName === "OPTION" ? item.selected : item.checked;
  }

  function textOf(item) {
    return (item.tagName === "OPTION" ? item.text : item.parentNode.textContent).toLowerCase();
  }

  function setUp(picker, index) {
    var items = itemsOf(picker);
    var units = {};
    items.forEach(function (item) {
      if (item.dataset.unit) { units[item.dataset.unit] = item.dataset.unitName; }
    });

    var bar = document.createElement("div");
    bar.className = "picker-bar";
    var unitSelect = document.createElement("select");
    unitSelect.id = "picker-unit-" + index;
    unitSelect.setAttribute("aria-label", "按项目所属单位筛选");
    unitSelect.add(new Option("全部单位的项目", ""));
    Object.keys(units)
      .sort(function (a, b) { return units[a].localeCompare(units[b], "zh-Hans-CN"); })
      .forEach(function (id) { unitSelect.add(new Option(units[id], id)); });
    var search = document.createElement("input");
    search.type = "search";
    search.id = "picker-search-" + index;
    search.placeholder = "输入项目名称或代码筛选";
    search.setAttribute("aria-label", "输入项目名称或代码筛选");
    var count = document.createElement("span");
    count.className = "muted picker-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(unitSelect);
    bar.appendChild(search);
    bar.appendChild(count);
    picker.parentNode.insertBefore(bar, picker);

    function apply() {
      var unit = unitSelect.value;
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = textOf(item);
        var match = (!unit || item.dataset.unit === unit) &&
          words.every(function (word) { return text.indexOf(word) !== -1; });
        var visible = match || isChosen(item);  // what is chosen always stays in sight
        rowOf(picker, item).hidden = !visible;
        if (match) { shown += 1; }
      });
      count.textContent = "符合条件" + shown + "个，共" + items.length + "个项目";
    }

    var unitField = picker.dataset.unitField && document.getElementById(picker.dataset.unitField);
    function followUnitField() {
      unitSelect.value = Object.prototype.hasOwnProperty.call(units, unitField.value) ? unitField.value : "";
      apply();
    }
    if (unitField) {
      unitField.addEventListener("change", followUnitField);
      followUnitField();
    } else {
      apply();
    }
    unitSelect.addEventListener("change", apply);
    search.addEventListener("input", apply);
    picker.addEventListener("change", apply);
  }

  // A long unit select (安全管理's rows): a small type-to-filter box before it.
  function setUpUnits(picker, index) {
    var search = document.createElement("input");
    search.type = "search";
    search.id = "unit-search-" + index;
    search.className = "unit-search";
    search.placeholder = "筛选单位";
    search.setAttribute("aria-label", "输入单位名称筛选");
    picker.parentNode.insertBefore(search, picker);
    search.addEventListener("input", function () {
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(picker.options, function (option) {
        var text = option.text.toLowerCase();
        var match = !option.value || words.every(function (word) { return text.indexOf(word) !== -1; });
        option.hidden = !(match || option.selected);
        if (match && option.value && first === null) { first = option; }
      });
      // one match left: choose it, as a clerk typing 住建 means 县住建局
      if (first && words.length && picker.querySelectorAll("option:not([hidden])").length <= 2) {
        picker.value = first.value;
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select.project-picker, div.project-picker"), setUp);
  Array.prototype.forEach.call(document.querySelectorAll("select.unit-picker"), setUpUnits);
})();
