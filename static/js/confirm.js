// A form marked data-confirm="…" asks before it is sent (重置密码, 停用): one click by mistake
// should not change someone's password.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
