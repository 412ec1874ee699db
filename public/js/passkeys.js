// Passkeys: registration on the account page and the second step of sign-in. Needs the
// SimpleWebAuthn browser helper (served from /vendor); without JavaScript the code forms remain.
(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;
  if (!lib || !lib.browserSupportsWebAuthn()) return;

  function post(url, csrf, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) {
          var message = (data.errors && data.errors[0] && data.errors[0].message) || (data.error && data.error.message) || 'That did not work.';
          throw new Error(message);
        }
        return data;
      });
    });
  }

  function say(el, text) {
    if (el) el.textContent = text;
  }

  var signin = document.querySelector('[data-passkey-signin]');
  if (signin) {
    signin.hidden = false;
    var button = signin.querySelector('[data-passkey-signin-button]');
    var message = signin.querySelector('[data-passkey-message]');
    button.addEventListener('click', function () {
      say(message, '');
      button.disabled = true;
      post(button.dataset.options, button.dataset.csrf)
        .then(function (options) { return lib.startAuthentication({ optionsJSON: options }); })
        .then(function (response) { return post(button.dataset.verify, button.dataset.csrf, { response: response }); })
        .then(function (done) { window.location.assign(done.redirect); })
        .catch(function (err) {
          button.disabled = false;
          say(message, err && err.name === 'NotAllowedError' ? 'The passkey was not used. Try again, or use a code.' : err.message);
        });
    });
  }

  var register = document.querySelector('[data-passkey-register]');
  if (register) {
    register.hidden = false;
    var unavailable = document.querySelector('[data-passkey-unavailable]');
    if (unavailable) unavailable.hidden = true;
    var form = register.querySelector('[data-passkey-register-form]');
    var note = form.querySelector('[data-passkey-message]');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = form.querySelector('[name="name"]').value.trim();
      say(note, '');
      if (!name) return say(note, 'Give the passkey a name, such as "Work laptop".');
      post(form.dataset.options, form.dataset.csrf)
        .then(function (options) { return lib.startRegistration({ optionsJSON: options }); })
        .then(function (response) { return post(form.dataset.verify, form.dataset.csrf, { name: name, response: response }); })
        .then(function (done) { window.location.assign(done.redirect); })
        .catch(function (err) {
          say(note, err && err.name === 'NotAllowedError' ? 'No passkey was made.' : err.message);
        });
    });
  }
})();
