// Starts Swagger UI on /api/docs (an inline script would be blocked by the Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: false, // with it each operation's path is a link inside its toggle button: nested controls
    validatorUrl: null, // never ask a third-party validator about our schema
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    showExtensions: true,
    showCommonExtensions: true,
  });

  // Swagger UI draws some controls without a name (a parameter's choices, a response's media type) and code
  // samples that scroll but cannot be reached by keyboard: named and made focusable as they appear.
  var label = function () {
    root.querySelectorAll("select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr[data-param-name]");
      var name = row ? row.getAttribute("data-param-name") : select.closest("[class*='media-type'], .content-type-wrapper") ? "Media type" : "Choice";
      select.setAttribute("aria-label", name);
    });
    root.querySelectorAll("pre.microlight:not([tabindex]), .highlight-code > pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  };
  new MutationObserver(label).observe(root, { childList: true, subtree: true });
});
