// Results as you type on /search: progressive enhancement of a plain GET form (the page works without it).
// Each change asks the server for the results fragment (partial=1), debounced; a newer request cancels an
// older one, and the address bar follows so a result list can be bookmarked or shared.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  var target = document.getElementById("search-results");
  if (!form || !target || !window.fetch) return;
  var timer = null;
  var inflight = null;
  var last = "";

  function params() {
    var data = new URLSearchParams(new FormData(form));
    var kept = new URLSearchParams();
    data.forEach(function (value, key) {
      if (value && !(key === "mode" && value === "hybrid") && !(key === "sort" && value === "relevance")) {
        kept.append(key, value);
      }
    });
    return kept;
  }

  function run() {
    var query = params();
    var shown = query.toString();
    if (shown === last) return;
    last = shown;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    query.append("partial", "1");
    target.setAttribute("aria-busy", "true");
    fetch(form.action + "?" + query.toString(), { signal: inflight.signal, headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        target.innerHTML = html;
        history.replaceState(null, "", form.action + (shown ? "?" + shown : ""));
      })
      .catch(function () { /* aborted or failed: the last good results stay */ })
      .finally(function () { target.removeAttribute("aria-busy"); });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  }

  last = params().toString();
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
