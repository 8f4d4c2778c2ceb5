// Progressive enhancement for paper lists; without this file the same links and <details> still work.
// 1. List / grid: the links go to /view/<name>, which sets the pb_view cookie and comes back. Here the same
//    cookie is set and the lists switch in place, without a reload.
// 2. Abstracts on demand: a card on a long page holds a link to the paper's abstract instead of the text;
//    opening its <details> fetches /papers/<id>/abstract (a small HTML fragment from this site) and shows it.
(function () {
  "use strict";
  var COOKIE = "pb_view";
  var VIEWS = ["list", "grid"];

  function apply(view) {
    Array.prototype.forEach.call(document.querySelectorAll("ol.cards"), function (list) {
      VIEWS.forEach(function (name) {
        list.classList.toggle("view-" + name, name === view);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-view-choice]"), function (link) {
      if (link.getAttribute("data-view-choice") === view) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }

  function remember(view) {
    var secure = window.location.protocol === "https:" ? "; secure" : "";
    document.cookie = COOKIE + "=" + view + "; path=/; max-age=31536000; samesite=lax" + secure;
  }

  function chosen() {
    var match = document.cookie.match(/(?:^|;\s*)pb_view=(list|grid)(?:;|$)/);
    return match ? match[1] : null;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a[data-view-choice]") : null;
    if (!link) return;
    var view = link.getAttribute("data-view-choice");
    if (VIEWS.indexOf(view) < 0) return;
    event.preventDefault();
    remember(view);
    apply(view);
  });

  // A page restored from the back/forward cache shows the view it was left in: follow the latest choice.
  window.addEventListener("pageshow", function (event) {
    var view = chosen();
    if (event.persisted && view) apply(view);
  });

  function load(details) {
    var source = details.getAttribute("data-abstract");
    var body = details.querySelector(".abstract-body");
    if (!source || !body || details.getAttribute("data-loaded")) return;
    details.setAttribute("data-loaded", "loading");
    body.setAttribute("aria-busy", "true");
    fetch(source, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        body.innerHTML = html; // our own server's escaped fragment
        details.setAttribute("data-loaded", "yes");
      })
      .catch(function () {
        details.removeAttribute("data-loaded"); // the link to the paper's page stays; try again next time
      })
      .then(function () {
        body.removeAttribute("aria-busy");
      });
  }

  // "toggle" does not bubble: listen in the capture phase for every <details> on the page.
  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details.open && details.matches && details.matches("details[data-abstract]")) load(details);
    },
    true
  );
})();
