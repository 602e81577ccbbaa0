// The session's clock on every signed-in page. The server signs a person out after
// SESSION_COOKIE_AGE without a request (the idle limit, moved on by every request) and in any
// case SESSION_ABSOLUTE_HOURS after signing in. The page carries both as seconds left when it
// was rendered (data-session-idle, data-session-absolute on <body>), so the browser's clock
// need not agree with the server's. data-session-warn seconds before the first of them a bar
// says so; 继续工作 posts to data-session-renew (accounts.views.sign_in.session_renew), which moves
// the idle limit on; at the limit the bar says the session has ended. What was typed into a
// data-draft form is kept by static/js/drafts.js either way.
// Tabs of one browser share one session: a tab that loads or renews tells the others through a
// BroadcastChannel (nothing is stored). Served from static/: the CSP allows no inline script.
(function () {
  "use strict";
  var body = document.body;
  if (!body.dataset.sessionIdle) return;
  var user = body.dataset.user;
  var warnMs = Number(body.dataset.sessionWarn) * 1000;
  var idleEnds = 0, absoluteEnds = 0, ended = false, bar = null;
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("kp-session") : null;
  var hasDraftForm = !!document.querySelector("form[data-draft]");

  function start(idleSeconds, absoluteSeconds) {
    var now = Date.now();
    idleEnds = now + idleSeconds * 1000;
    absoluteEnds = now + absoluteSeconds * 1000;
  }

  function tell() {
    if (channel) channel.postMessage({ user: user, idleEnds: idleEnds, absoluteEnds: absoluteEnds });
  }

  function duration(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(seconds / 60);
    return (minutes ? minutes + "分" : "") + (seconds % 60) + "秒";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function showBar() {
    if (bar) return bar;
    bar = element("div", "session-bar");
    bar.setAttribute("role", "alert");
    bar.appendChild(element("span", "session-text"));
    var renew = element("button", "primary session-renew", "继续工作");
    renew.type = "button";
    renew.addEventListener("click", renewSession);
    bar.appendChild(renew);
    var login = element("a", "session-login", "重新登录");
    login.href = body.dataset.sessionLogin + "?next=" +
      encodeURIComponent(location.pathname + location.search).replace(/%2F/g, "/");
    login.hidden = true;
    bar.appendChild(login);
    document.body.appendChild(bar);
    return bar;
  }

  function hideBar() {
    if (bar) { bar.remove(); bar = null; }
  }

  function say(text, canRenew) {
    var node = showBar();
    node.querySelector(".session-text").textContent = text;
    node.querySelector(".session-renew").hidden = !canRenew;
    node.querySelector(".session-login").hidden = canRenew;
    node.classList.toggle("ended", !canRenew && ended);
  }

  function end(reason) {
    ended = true;
    say(reason + (hasDraftForm
      ? "本页填写的内容已保留在本浏览器中（关闭浏览器后清除），重新登录后回到本页可以恢复。"
      : "请重新登录。"), false);
  }

  function tick() {
    if (ended) return;
    var now = Date.now();
    var idleFirst = idleEnds <= absoluteEnds;
    var left = (idleFirst ? idleEnds : absoluteEnds) - now;
    if (left <= 0) {
      end(idleFirst ? "已因长时间未操作自动退出登录。" : "登录已到时限，已自动退出。");
    } else if (left <= warnMs) {
      if (idleFirst) {
        say(duration(left) + "后将因长时间未操作自动退出，未保存的填写内容会保留在本机浏览器中。", true);
      } else {
        say("登录时间即将到达上限，" + duration(left) +
          "后将自动退出，请及时保存；未保存的填写内容会保留在本机浏览器中。", false);
      }
    } else {
      hideBar();
    }
  }

  function csrfToken() {
    var name = body.dataset.sessionCsrf || "csrftoken";
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]+)"));
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("form[data-logout] input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function renewSession() {
    var button = bar && bar.querySelector(".session-renew");
    if (button) button.disabled = true;
    fetch(body.dataset.sessionRenew, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",  // a session that has ended answers the sign-in redirect
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 0) {
        end("登录已失效。");
        return null;
      }
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (left) {
      if (!left) return;
      start(left.idle, left.absolute);
      tell();
      hideBar();
    }).catch(function () {
      say("未能延长登录（网络中断或登录状态已变化），请保存后刷新本页。", true);
      if (bar) bar.querySelector(".session-renew").disabled = false;
    });
  }

  if (channel) {
    channel.onmessage = function (event) {
      var message = event.data || {};
      if (message.user !== user) {
        // the browser's one session now belongs to someone else
        end("本浏览器已用其他账号登录，本页的登录已失效。");
        return;
      }
      if (message.idleEnds > idleEnds) {
        idleEnds = message.idleEnds;
        absoluteEnds = message.absoluteEnds;
        ended = false;
        tick();
      }
    };
  }

  start(Number(body.dataset.sessionIdle), Number(body.dataset.sessionAbsolute));
  tell();
  window.setInterval(tick, 1000);
  tick();
})();
