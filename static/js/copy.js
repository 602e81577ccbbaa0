/* Copy buttons: <button data-copy="ID"> copies the text of the element #ID (a textarea) and
   says so in [data-copy-status="ID"]. A static file, so the Content-Security-Policy
   (script-src 'self', no inline script) holds. On an intranet served over plain http the
   Clipboard API is unavailable, so the text is selected and copied with execCommand. */
(function () {
  "use strict";

  function say(id, text) {
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (status) {
      status.textContent = text;
    }
  }

  function fallback(source, id) {
    source.focus();
    source.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    say(id, ok ? "已复制，可粘贴到工作群" : "请按 Ctrl+C 复制已选中的文字");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) {
      return;
    }
    var id = button.getAttribute("data-copy");
    var source = document.getElementById(id);
    if (!source) {
      return;
    }
    var text = source.value !== undefined ? source.value : source.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say(id, "已复制，可粘贴到工作群"); },
        function () { fallback(source, id); }
      );
    } else {
      fallback(source, id);
    }
  });
})();
