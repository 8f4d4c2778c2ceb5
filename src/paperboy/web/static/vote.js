// Upvotes without a page reload. Progressive enhancement: without this file the vote button is a plain form
// that posts and comes back. With it, the same form is sent by fetch (CSRF token from the page's meta tag,
// JSON answer) and the count and pressed state update in place. The request always says which state it wants
// (value 1 or 0), never "toggle", so double clicks and retries cannot double-count.
(function () {
  "use strict";

  function compact(n) {
    // The same display rule as the server's "compact" filter: 950, 1.2k, 12k, 3.4M.
    if (n < 1000) return String(n);
    if (n < 1000000) {
      var k = n / 1000;
      return k < 10 ? k.toFixed(1).replace(/\.0$/, "") + "k" : Math.round(k) + "k";
    }
    return (n / 1000000).toFixed(1).replace(/\.0$/, "") + "M";
  }

  function csrfToken() {
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.getAttribute("content") : "";
  }

  function show(form, data) {
    var word = data.upvotes === 1 ? "upvote" : "upvotes";
    var pressed = data.voted ? "true" : "false";
    var forms = document.querySelectorAll("form[data-vote][action='" + form.getAttribute("action") + "']");
    Array.prototype.forEach.call(forms, function (each) {
      var button = each.querySelector("button");
      each.querySelector("input[name='value']").value = data.voted ? "0" : "1";
      button.setAttribute("aria-pressed", pressed);
      button.title = (data.voted ? "Remove your upvote" : "Upvote") + " · " + data.upvotes.toLocaleString("en") +
        " " + word;
      button.querySelector(".votes-num").textContent = compact(data.upvotes);
      var label = button.querySelector(".vote-word");
      if (label) label.textContent = " " + word;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-vote") || !window.fetch) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    var value = form.querySelector("input[name='value']").value;
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRF-Token": csrfToken()
      },
      body: "value=" + encodeURIComponent(value)
    })
      .then(function (response) {
        if (!response.ok) throw new Error("vote failed: " + response.status);
        return response.json();
      })
      .then(function (data) {
        form.removeAttribute("aria-busy");
        show(form, data);
      })
      .catch(function () {
        // Signed out, unverified, expired page, offline…: send the form the old way, so the server's own
        // page (login form or a clear error message) takes over. Setting a vote twice is harmless.
        form.removeAttribute("aria-busy");
        form.submit();
      });
  });
})();
