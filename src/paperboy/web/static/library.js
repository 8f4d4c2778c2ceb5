// Save / Not interested without a page reload. Progressive enhancement: without this file each button is a
// plain form that posts (with its CSRF token) and comes back to the page, which then shows the new state.
// With it, the same form is sent by fetch and every button of that paper on the page is updated in place,
// with a short message; pressing a pressed button undoes it. The two marks exclude each other.
(function () {
  "use strict";

  var LABELS = {
    saved: ["Save", "Saved ✓", "Save to your library", "Saved: press to remove it from your library"],
    not_interested: ["Not interested", "Not interested ✓ (undo)", "Show me fewer papers like this", "Press to undo"]
  };

  function csrfToken() {
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.getAttribute("content") : "";
  }

  function show(id, data) {
    var boxes = document.querySelectorAll("[data-library-for]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.getAttribute("data-library-for") !== id) return;
      Array.prototype.forEach.call(box.querySelectorAll("button[data-kind]"), function (button) {
        var kind = button.getAttribute("data-kind");
        var on = data.state === kind;
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.textContent = LABELS[kind][on ? 1 : 0];
        button.title = LABELS[kind][on ? 3 : 2];
        button.form.querySelector("input[name='undo']").value = on ? "1" : "";
      });
      var status = box.querySelector(".library-status");
      if (status) status.textContent = data.message + (data.state ? " Press again to undo." : "");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-library") || !window.fetch) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    var body = new URLSearchParams(new FormData(form)).toString();
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRF-Token": csrfToken()
      },
      body: body
    })
      .then(function (response) {
        if (!response.ok) throw new Error("library change failed: " + response.status);
        return response.json();
      })
      .then(function (data) {
        form.removeAttribute("aria-busy");
        show(data.id, data);
      })
      .catch(function () {
        // Signed out, expired page, offline…: send the form the old way and let the server's page answer.
        form.removeAttribute("aria-busy");
        form.submit();
      });
  });
})();
