// The API reference page: Swagger UI (vendored, webapp/static/vendor/swagger-ui/) over the
// description at data-spec-url. No request leaves the site (validatorUrl off).
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") return;
    window.SwaggerUIBundle({
      url: root.getAttribute("data-spec-url"),
      domNode: root,
      deepLinking: false,
      validatorUrl: null,
      defaultModelsExpandDepth: 0,
      docExpansion: "list",
      tryItOutEnabled: false,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
