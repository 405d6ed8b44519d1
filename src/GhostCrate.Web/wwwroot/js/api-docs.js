// Starts Swagger UI on /api/docs. The site's Content-Security-Policy forbids inline scripts, so the set-up lives here.
// validatorUrl: null keeps the page from loading a badge from validator.swagger.io (no traffic leaves the site).
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  window.ghostcrateApiReference = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayOperationId: true,
    tryItOutEnabled: false,
  });
})();
