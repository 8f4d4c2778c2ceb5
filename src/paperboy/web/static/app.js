// Progressive enhancement only: every page works without this file.
// Keyboard shortcuts: "/" focuses the search box; ← and → follow the previous / next period links.
// On a phone the header's search icon opens the search box over the header row instead of going to /search,
// and the account menu closes on Escape or a tap elsewhere.
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

  var header = document.querySelector(".site-header");
  var opener = document.querySelector(".search-open");
  var form = document.getElementById("header-search");
  if (header && opener && form) {
    var input = form.querySelector("input[type=search]");
    var closer = form.querySelector(".search-close");
    opener.setAttribute("aria-expanded", "false");
    var closeSearch = function () {
      header.classList.remove("is-searching");
      opener.setAttribute("aria-expanded", "false");
      opener.focus();
    };
    opener.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;  // a new tab still opens /search
      event.preventDefault();
      header.classList.add("is-searching");
      opener.setAttribute("aria-expanded", "true");
      input.focus();
    });
    if (closer) closer.addEventListener("click", closeSearch);
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !event.defaultPrevented && header.classList.contains("is-searching")) {
        closeSearch();
      }
    });
  }

  var menu = document.querySelector(".account-menu");
  if (menu) {
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
})();
