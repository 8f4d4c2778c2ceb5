// Starts Swagger UI on /api/docs (an inline script would be blocked by the Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // never ask a third-party validator about our schema
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    showExtensions: true,
    showCommonExtensions: true,
  });
});
