// GhostCrate: small progressive enhancements. Everything works without this file.
(function () {
  "use strict";

  // Copy buttons: <button data-copy-target="id"> copies the text of #id.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy") ? resolve() : reject(new Error("copy refused")); }
      catch (e) { reject(e); }
      finally { document.body.removeChild(area); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) return;
    var original = button.textContent;
    copyText(target.textContent.replace(/\n$/, "")).then(function () {
      button.textContent = "Copied";
      button.setAttribute("data-copied", "true");
    }, function () {
      button.textContent = "Press Ctrl+C";
      var range = document.createRange();
      range.selectNodeContents(target);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    });
    window.setTimeout(function () { button.textContent = original; button.removeAttribute("data-copied"); }, 2000);
  });

  // "/" focuses the search box, as on crates.io and GitHub.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
    var box = document.querySelector("[data-search-shortcut]");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // Forms that destroy something ask first (<form data-confirm="...">); without JavaScript they simply submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // Buttons that destroy something ask first (<button data-confirm-click="...">), for forms with several actions.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm-click]");
    if (button && !window.confirm(button.getAttribute("data-confirm-click"))) event.preventDefault();
  });

  // htmx marks the results busy while it loads the next ones.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var results = document.getElementById("results");
    if (results && event.detail.target === results) results.setAttribute("aria-busy", "true");
  });
})();
