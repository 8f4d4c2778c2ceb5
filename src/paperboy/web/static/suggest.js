// Suggestions under the header's search box as you type: papers, authors, organizations (GET /api/suggest).
// Progressive enhancement: without this file the box is a plain GET form to /search. Arrow keys move through
// the list, Enter opens the highlighted suggestion (or searches, when none is highlighted), Escape closes it.
(function () {
  "use strict";
  var box = document.getElementById("site-search");
  if (!box || !window.fetch) return;
  var form = box.form;
  var list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  form.appendChild(list);
  box.setAttribute("role", "combobox");  // a search box that offers a list: the ARIA combobox pattern
  box.setAttribute("aria-controls", list.id);
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-expanded", "false");
  var timer = null;
  var inflight = null;
  var active = -1;
  var LABELS = { papers: "Papers", authors: "Authors", organizations: "Organizations" };

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function item(kind, entry, index) {
    var li = document.createElement("li");
    li.setAttribute("role", "option");
    li.id = "suggestion-" + index;
    var link = document.createElement("a");
    link.href = entry.url;
    link.className = "suggestion suggestion-" + kind;
    link.textContent = kind === "papers" ? entry.title : kind === "authors" ? entry.name : (entry.fullname || entry.name);
    var note = document.createElement("span");
    note.className = "suggestion-kind";
    note.textContent = kind === "papers" ? entry.id : kind === "authors" ? "author" : "organization";
    link.appendChild(note);
    li.appendChild(link);
    return li;
  }

  function show(data) {
    list.textContent = "";
    active = -1;
    var index = 0;
    Object.keys(LABELS).forEach(function (kind) {
      if (!data[kind] || !data[kind].length) return;
      var head = document.createElement("li");
      head.className = "suggestion-group";
      head.setAttribute("role", "presentation");
      head.textContent = LABELS[kind];
      list.appendChild(head);
      data[kind].forEach(function (entry) { list.appendChild(item(kind, entry, index++)); });
    });
    list.hidden = index === 0;
    box.setAttribute("aria-expanded", index ? "true" : "false");
  }

  function options() { return list.querySelectorAll("[role=option]"); }

  function move(step) {
    var all = options();
    if (!all.length) return;
    if (active >= 0) all[active].removeAttribute("aria-selected");
    active = (active + step + all.length) % all.length;
    all[active].setAttribute("aria-selected", "true");
    box.setAttribute("aria-activedescendant", all[active].id);
  }

  function ask() {
    var q = box.value.trim();
    if (q.length < 2) { close(); return; }
    if (inflight) inflight.abort();
    inflight = new AbortController();
    fetch("/api/suggest?q=" + encodeURIComponent(q), { signal: inflight.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) { if (box.value.trim() === q) show(data); })
      .catch(function () { /* aborted or failed: keep typing, the form still works */ });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  box.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].querySelector("a").href;
    } else if (event.key === "Escape") {
      event.preventDefault();  // this Escape closed the list; it does not also close the phone's search row
      close();
    }
  });
  box.addEventListener("blur", function () { setTimeout(close, 200); });
})();
