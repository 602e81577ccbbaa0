// What is typed into a form marked data-draft survives a session that ends meanwhile.
//
// As a person types, the form's fields are kept in this tab's sessionStorage under
// "kp-draft:<user id>:<form>" (the form: data-draft's value, else the page's URL and the form's
// action). When the form is sent, the next page this tab opens tells what became of it: a page
// of the same signed-in user (the saved result, or the form again with what was typed and the
// reasons) means the server took it, and the draft goes; the sign-in page or an error page
// means it did not, and the draft stays. Opened again after signing in, a form with a draft
// that differs from what the page shows offers it back (恢复 / 丢弃); nothing is put into a
// form without the person's choice.
//
// Never kept: passwords, hidden fields (the CSRF token, the version of the row the form shows),
// and files (a browser cannot put a chosen file back: the offer says to choose them again).
// A draft notes the version of each row it was typed against (a hidden "…version" field); a
// row someone changed since keeps the page's values and its version, so its stale-form check
// still holds, and the offer shows what had been typed there instead.
//
// On a shared office PC: drafts live in the tab (gone when it is closed), a signed-in page
// removes the drafts of any other user, and 退出 removes them all (docs/security.md).
// Served from static/: the CSP allows no inline script.
(function () {
  "use strict";
  var PREFIX = "kp-draft:";
  var SENT = "kp-draft-sent";
  var store;
  try { store = window.sessionStorage; store.getItem(SENT); } catch (error) { return; }

  var body = document.body;
  var user = body.dataset.user || "";
  var SKIPPED_TYPES = ["hidden", "file", "password", "submit", "button", "reset", "image"];

  function read(key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (error) { return null; }
  }
  function write(key, value) {
    try { store.setItem(key, JSON.stringify(value)); } catch (error) { /* storage full: keep going */ }
  }
  function draftKeys() {
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      if (store.key(i).indexOf(PREFIX) === 0) keys.push(store.key(i));
    }
    return keys;
  }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function when(ms) {
    var d = new Date(ms);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  // 1. The answer to a form this tab sent.
  var sent = read(SENT);
  store.removeItem(SENT);
  var notTaken = sent && (!user || body.hasAttribute("data-error-page"));
  if (sent && !notTaken && sent.user === user) store.removeItem(sent.key);

  // 2. Whose drafts this tab keeps.
  if (user) {
    draftKeys().forEach(function (key) {
      if (key.indexOf(PREFIX + user + ":") !== 0) store.removeItem(key);
    });
  }
  var logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", function () {
      draftKeys().forEach(function (key) { store.removeItem(key); });
    });
  }

  // 3. The sign-in page says that typed text is waiting.
  if (!user) {
    var password = document.querySelector("main form input[type=password]");
    if (password && draftKeys().length) {
      var notice = element("p", "draft-notice", (notTaken ? "登录已超时，刚才的内容没有保存。" : "") +
        "未提交的填写内容保留在本浏览器中：登录后回到原页面，可以选择恢复。");
      notice.setAttribute("role", "status");
      password.form.parentNode.insertBefore(notice, password.form);
    }
    return;
  }

  // 4. Forms that keep drafts.
  document.querySelectorAll("form[data-draft]").forEach(function (form, index) {
    var name = form.getAttribute("data-draft") ||
      location.pathname + location.search + "|" + (form.getAttribute("action") || "") + "|" + index;
    keep(form, PREFIX + user + ":" + name);
  });

  function keep(form, key) {
    var rowField = form.getAttribute("data-draft-rows");  // e.g. "plan": form-3-plan names row 3
    var paused = false;

    // Row prefixes ("form-3-") and their stable identity ("plan=12"), from the hidden fields.
    function rows() {
      var found = {};
      if (!rowField) return found;
      Array.prototype.forEach.call(form.elements, function (field) {
        var suffix = "-" + rowField;
        if (field.name && field.name.slice(-suffix.length) === suffix) {
          found[field.name.slice(0, -rowField.length)] = rowField + "=" + field.value;
        }
      });
      return found;
    }
    function rowOf(fieldName, prefixes) {
      for (var prefix in prefixes) {
        if (fieldName.indexOf(prefix) === 0) return { prefix: prefix, id: prefixes[prefix] };
      }
      return { prefix: "", id: "" };
    }
    function versions(prefixes) {
      var found = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.type === "hidden" && /version$/.test(field.name)) {
          var prefix = field.name.slice(0, -"version".length);
          found[prefix ? (prefixes[prefix] || prefix) : ""] = field.value;
        }
      });
      return found;
    }
    // The fields a person types into, by name (a group of checkboxes or radios is one field).
    function fields() {
      var named = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.name === "csrfmiddlewaretoken") return;
        if (SKIPPED_TYPES.indexOf(field.type) !== -1 || field.hasAttribute("data-draft-skip")) return;
        (named[field.name] = named[field.name] || []).push(field);
      });
      return named;
    }
    function valueOf(group) {
      var first = group[0];
      if (first.type === "checkbox") {
        return group.filter(function (f) { return f.checked; }).map(function (f) { return f.value; });
      }
      if (first.type === "radio") {
        var checked = group.filter(function (f) { return f.checked; })[0];
        return checked ? checked.value : "";
      }
      if (first.type === "select-multiple") {
        return Array.prototype.filter.call(first.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      }
      return group.length > 1 ? group.map(function (f) { return f.value; }) : first.value;
    }
    function setValue(group, value) {
      var first = group[0];
      if (first.type === "checkbox" || first.type === "radio") {
        group.forEach(function (f) {
          f.checked = first.type === "radio" ? f.value === value : value.indexOf(f.value) !== -1;
        });
      } else if (first.type === "select-multiple") {
        Array.prototype.forEach.call(first.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
      } else if (group.length > 1) {
        group.forEach(function (f, i) { f.value = value[i] === undefined ? "" : value[i]; });
      } else {
        first.value = value;
      }
      group.forEach(function (f) {
        f.dispatchEvent(new Event("input", { bubbles: true }));
        f.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
    function labelOf(field) {
      var label = field.id && form.querySelector("label[for='" + field.id + "']");
      if (label) return label.textContent.replace(/\*/g, "").trim();
      var cell = field.closest("[data-label]");
      return cell ? cell.getAttribute("data-label") : field.name;
    }
    function rowLabelOf(field) {
      var row = field.closest("[data-draft-label]");
      return row ? row.getAttribute("data-draft-label") : "";
    }
    function keyOf(fieldName, prefixes) {
      var row = rowOf(fieldName, prefixes);
      return row.id ? row.id + ":" + fieldName.slice(row.prefix.length) : fieldName;
    }
    function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

    var initial = {};  // what the page showed, for the offer's list of typed values
    var startPrefixes = rows();
    var startFields = fields();
    Object.keys(startFields).forEach(function (fieldName) {
      initial[keyOf(fieldName, startPrefixes)] = valueOf(startFields[fieldName]);
    });

    function snapshot() {
      var prefixes = rows(), named = fields(), entries = {};
      Object.keys(named).forEach(function (fieldName) {
        var group = named[fieldName], fieldKey = keyOf(fieldName, prefixes);
        entries[fieldKey] = {
          value: valueOf(group),
          initial: initial[fieldKey],
          label: labelOf(group[0]),
          row: rowOf(fieldName, prefixes).id,
          rowLabel: rowLabelOf(group[0]),
        };
      });
      var files = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (f) {
        return f.files && f.files.length;
      });
      return { user: user, at: Date.now(), versions: versions(prefixes), files: files, fields: entries };
    }
    function save() {
      if (!paused) write(key, snapshot());
    }

    form.addEventListener("input", save);
    form.addEventListener("change", save);
    // On the document, so the form's own handlers (a confirmation that cancels) have run first.
    document.addEventListener("submit", function (event) {
      if (event.target !== form || event.defaultPrevented) return;
      save();
      write(SENT, { user: user, key: key, at: Date.now() });
    });

    var draft = read(key);
    if (!draft || !draft.fields) return;
    offer(draft);

    function offer(draft) {
      var prefixes = rows(), named = fields(), now = versions(prefixes);
      var byKey = {};
      Object.keys(named).forEach(function (fieldName) { byKey[keyOf(fieldName, prefixes)] = named[fieldName]; });
      var restorable = [], changed = [];
      Object.keys(draft.fields).forEach(function (fieldKey) {
        var entry = draft.fields[fieldKey], group = byKey[fieldKey];
        var typed = entry.initial === undefined || !same(entry.value, entry.initial);
        var version = entry.row in (draft.versions || {}) ? entry.row : "";
        var stale = (draft.versions || {})[version] !== now[version];
        if (group && !stale) {
          if (!same(valueOf(group), entry.value)) restorable.push({ group: group, entry: entry });
        } else if (typed && !(group && same(valueOf(group), entry.value))) {
          changed.push(entry);
        }
      });
      if (!restorable.length && !changed.length) {
        store.removeItem(key);
        return;
      }
      paused = true;
      var box = element("div", "draft-offer");
      box.setAttribute("role", "alert");
      box.appendChild(element("p", "", "发现上次未提交的填写内容（" + when(draft.at) + "）" +
        (restorable.length ? "，可以恢复到下面的表格中。" : "。") +
        (draft.files ? "所选的照片或附件无法保留，恢复后请重新选择。" : "")));
      if (changed.length) box.appendChild(changedList(changed));
      var buttons = element("p", "buttons");
      if (restorable.length) {
        var restore = element("button", "primary", "恢复");
        restore.type = "button";
        restore.setAttribute("data-draft-restore", "");
        restore.addEventListener("click", function () {
          // checkboxes first: 本月无变化 fills the text fields it governs, then the typed text
          restorable.sort(function (a, b) {
            return (b.group[0].type === "checkbox") - (a.group[0].type === "checkbox");
          }).forEach(function (item) {
            if (!item.group[0].readOnly && !item.group[0].disabled) setValue(item.group, item.entry.value);
          });
          paused = false;
          save();
          done(box, "已恢复上次未提交的填写内容，请核对后保存。");
        });
        buttons.appendChild(restore);
      }
      var discard = element("button", "", restorable.length ? "丢弃" : "知道了");
      discard.type = "button";
      discard.setAttribute("data-draft-discard", "");
      discard.addEventListener("click", function () {
        store.removeItem(key);
        paused = false;
        box.remove();
      });
      buttons.appendChild(discard);
      box.appendChild(buttons);
      form.parentNode.insertBefore(box, form);
    }

    function changedList(entries) {
      var wrap = element("div", "draft-changed");
      wrap.appendChild(element("p", "", "以下内容在您离开后已被他人修改（或已不能修改），未恢复，" +
        "页面显示的是最新内容；您当时填写的是："));
      var list = element("ul");
      entries.forEach(function (entry) {
        var value = Array.isArray(entry.value) ? entry.value.join("、") : entry.value;
        list.appendChild(element("li", "", (entry.rowLabel ? entry.rowLabel + " · " : "") +
          entry.label + "：" + (value === "" ? "（空）" : value)));
      });
      wrap.appendChild(list);
      return wrap;
    }

    function done(box, text) {
      box.querySelector(".buttons").remove();
      var changed = box.querySelector(".draft-changed");
      box.querySelector("p").textContent = text;
      if (changed) box.appendChild(changed);
      box.setAttribute("role", "status");
    }
  }
})();
