// The browsable API documentation (templates/api/docs.html): Swagger UI, vendored in static/vendor/swagger-ui,
// drawn from the OpenAPI document whose address the page puts in data-spec-url. A file of its own rather than
// an inline <script>, as the Content-Security-Policy admits only this site's scripts.
(() => {
  "use strict";
  const root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") return;

  SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true, // an operation opened is in the address (#/events/...), so it can be linked to
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout", // no top bar: that needs the standalone preset, and this page shows one document
    tryItOutEnabled: false, // reading first; "Try it out" is still one click away for each operation
    validatorUrl: null, // otherwise the spec is sent to validator.swagger.io for a badge
  });
})();
