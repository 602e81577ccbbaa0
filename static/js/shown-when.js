// A field marked data-shown-when="kind=month,quarter" is shown only while its form's field "kind" has one of
// those values (招商统计's and 简报's period boxes, 接待客商's 批次 and 人数). Hidden, it is disabled too, so
// the form sends only what it shows; without this script every field is shown and the server says what it
// does not take. A field marked data-disabled-when="kind=sign,start" stays in sight but cannot be chosen while
// "kind" has one of those values (a project already listed under that 类别 of a 三个一批 batch).
(function () {
  "use strict";

  function valueOf(form, name) {
    var field = form.elements[name];
    if (!field) return null;
    if (field.length !== undefined && field.tagName !== "SELECT") {  // radio buttons
      var checked = Array.prototype.filter.call(field, function (f) { return f.checked; })[0];
      return checked ? checked.value : "";
    }
    return field.value;
  }

  function holds(form, input, attribute) {
    var rule = input.getAttribute(attribute).split("=");
    return rule[1].split(",").indexOf(valueOf(form, rule[0])) !== -1;
  }

  function apply(form) {
    form.querySelectorAll("[data-shown-when]").forEach(function (input) {
      var shown = holds(form, input, "data-shown-when");
      var box = input.closest(".field, label") || input;
      box.hidden = !shown;
      input.disabled = !shown;
    });
    form.querySelectorAll("[data-disabled-when]").forEach(function (input) {
      input.disabled = holds(form, input, "data-disabled-when");
      if (input.disabled) input.checked = false;
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-shown-when], [data-disabled-when]")) return;
    form.addEventListener("change", function () { apply(form); });
    apply(form);
  });
})();
