// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Take keyboard and screen-reader users straight to the list of problems after a failed form.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();

  // "Print this report": hidden without JavaScript (the browser's own Print still works).
  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });

  // While the phone menu is open, USWDS hides the rest of the page from screen readers with
  // aria-hidden but leaves its links focusable (axe: aria-hidden-focus). Make that part of the page
  // inert as well, for as long as the menu is open.
  var body = document.body;
  var hidden = [];
  if (window.MutationObserver && 'inert' in body) {
    new MutationObserver(function () {
      var open = body.classList.contains('usa-js-mobile-nav--active');
      if (open && !hidden.length) {
        hidden = Array.prototype.slice.call(document.querySelectorAll('[data-nav-hidden]'));
        hidden.forEach(function (el) { el.inert = true; });
      } else if (!open && hidden.length) {
        hidden.forEach(function (el) { el.inert = false; });
        hidden = [];
        // USWDS gives the focus back to the Menu button as it closes, before this runs, while the
        // button is still inert: give it back now if it is still in the closed menu or nowhere.
        var menuButton = document.querySelector('.usa-menu-btn');
        var active = document.activeElement;
        var lost = !active || active === body || Boolean(active.closest && active.closest('.usa-nav'));
        if (lost && menuButton && getComputedStyle(menuButton).display !== 'none') menuButton.focus();
      }
    }).observe(body, { attributes: true, attributeFilter: ['class'] });
  }
})();
