// Renders /api/v1/openapi.json with Swagger UI (served from this site, under its CSP).
(function () {
  var el = document.getElementById('swagger-ui');
  if (!el || typeof window.SwaggerUIBundle !== 'function') return;
  // Swagger UI's server choice has no label, and its icon buttons are named only by a title:
  // give them names whenever they are drawn or change.
  function labelControls() {
    var servers = el.querySelector('select#servers');
    if (servers && !servers.hasAttribute('aria-label')) servers.setAttribute('aria-label', 'Server');
    // Code samples scroll sideways: they must be reachable with the keyboard.
    var samples = el.querySelectorAll('pre:not([tabindex])');
    for (var j = 0; j < samples.length; j += 1) samples[j].setAttribute('tabindex', '0');
    var buttons = el.querySelectorAll('button[title]');
    for (var i = 0; i < buttons.length; i += 1) {
      var b = buttons[i];
      if (!b.textContent.trim() && b.getAttribute('aria-label') !== b.title) b.setAttribute('aria-label', b.title);
    }
  }
  new MutationObserver(labelControls).observe(el, { childList: true, subtree: true, attributes: true, attributeFilter: ['title'] });
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
