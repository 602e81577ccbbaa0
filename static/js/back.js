// The error pages' "返回上一页": shown only when there is a page of ours to go back to.
(function () {
  "use strict";
  var link = document.querySelector("a[data-back]");
  if (!link) { return; }
  var referrer = document.referrer;
  if (referrer && referrer.indexOf(location.origin + "/") === 0 && referrer !== location.href) {
    link.href = referrer;
    link.hidden = false;
  } else if (history.length > 1) {
    link.hidden = false;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      history.back();
    });
  }
})();
