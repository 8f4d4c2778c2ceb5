// Progressive enhancement only: every page works without this file.
// Keyboard shortcuts: "/" focuses the search box; ← and → follow the previous / next period links.
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === "/") {
      var box = document.querySelector("input[data-shortcut='/']");
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
      return;
    }
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      if (event.shiftKey) return;
      var link = document.querySelector("a[data-key='" + event.key + "']");
      if (link) {
        event.preventDefault();
        window.location.href = link.href;
      }
    }
  });
})();
