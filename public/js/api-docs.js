// Renders /api/v1/openapi.json with Swagger UI (served from this site, under its CSP).
(function () {
  var el = document.getElementById('swagger-ui');
  if (!el || typeof window.SwaggerUIBundle !== 'function') return;
  el.textContent = '';
  window.SwaggerUIBundle({
    url: el.getAttribute('data-url'),
    domNode: el,
    deepLinking: false,
    // No call to validator.swagger.io (an outside site) to draw a badge.
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    syntaxHighlight: false,
  });
})();
