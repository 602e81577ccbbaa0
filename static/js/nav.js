// On a phone the menu is one line that scrolls sideways (app.css): bring the page's own item into
// view, centred where it can be, so 资金申报 is not cut to "资金申…" at the edge.
(function () {
  "use strict";
  var nav = document.querySelector("nav.nav");
  var current = nav && nav.querySelector('a[aria-current="page"]');
  if (!current || nav.scrollWidth <= nav.clientWidth) { return; }
  var box = nav.getBoundingClientRect();
  var item = current.getBoundingClientRect();
  if (item.left >= box.left && item.right <= box.right) { return; }
  nav.scrollLeft += item.left - box.left - (box.width - item.width) / 2;
})();
