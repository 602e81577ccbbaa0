// "打印本页" (data-print): the browser's print dialog, where 另存为PDF is offered too. Shown only when
// this script runs; print CSS (app.css) leaves the page's header and its buttons off the paper.
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
