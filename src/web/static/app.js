// secinfo pages work without this script; it only saves the person from pressing Refresh.
(function () {
  'use strict';

  function reload() { window.location.reload(); }

  // Polls `url` every second until `done(json)` is true, then calls `then(json)` (by default,
  // reloads the page).
  function poll(url, done, then) {
    var timer = setInterval(function () {
      fetch(url, { credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (j && done(j)) { clearInterval(timer); (then || reload)(j); }
        })
        .catch(function () { /* keep trying; the page still has Refresh */ });
    }, 1000);
  }

  // A rough strength for the meter (0-4), from length and variety only: the server's rule
  // (dictionary, banned words, names) decides, and says why when it refuses.
  function strength(pw) {
    var n = Array.from(pw.normalize('NFKC')).length;
    if (n < 8) return 0;
    var kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter(function (re) { return re.test(pw); }).length;
    var s = n >= 20 ? 3 : n >= 14 ? 2 : n >= 10 ? 1 : 0;
    if (kinds >= 3 || /\s\S+\s/.test(pw)) s += 1;
    return Math.max(1, Math.min(4, s));
  }

  document.addEventListener('DOMContentLoaded', function () {
    var meterField = document.getElementById('password-strength-field');
    var newPassword = document.getElementById('new-password');
    if (meterField && newPassword) {
      var meter = document.getElementById('password-strength');
      var meterText = document.getElementById('password-strength-text');
      var words = meterField.dataset.words.split('|');
      meterField.hidden = false;
      newPassword.addEventListener('input', function () {
        var s = newPassword.value ? strength(newPassword.value) : 0;
        meter.value = s;
        meterText.textContent = newPassword.value ? words[s] : '';
      });
    }
    // A form marked data-autosubmit goes by itself once (the default sign-in proof starts, a
    // proven verification continues); without this script its button does the same.
    var auto = document.querySelector('form[data-autosubmit]');
    if (auto) {
      auto.submit();
      return;
    }
    var verification = document.getElementById('verification');
    if (verification && verification.dataset.state === 'pending' && !document.getElementById('code')) {
      var verifyStatus = document.getElementById('verify-status');
      var finish = document.getElementById('verify-finish');
      poll(verification.dataset.statusUrl, function (j) {
        if (verifyStatus && j.message && verifyStatus.textContent !== j.message) verifyStatus.textContent = j.message;
        return j.final;
      }, function (j) {
        // A proven call or push goes on with this page's form, as the person left it: a reload
        // would lose a ticked "Don't ask again".
        if (j.succeeded && finish) finish.submit();
        else reload();
      });
    }
    // A texted code's page, until the network's receipt comes: delivered shows in place (what the
    // person typed stays); not delivered reloads the page, which then offers another text or
    // another way.
    var texted = document.querySelector('[data-delivery-url]');
    if (texted && texted.dataset.delivery === '') {
      poll(texted.dataset.deliveryUrl, function (j) {
        return j.final || j.delivery === 'delivered' || j.delivery === 'undelivered';
      }, function (j) {
        var shown = document.getElementById('delivery-status');
        if (j.delivery === 'delivered' && shown) {
          shown.textContent = j.message;
          shown.hidden = false;
        } else if (j.delivery === 'undelivered') {
          reload();
        }
      });
    }
    var call = document.getElementById('call');
    if (call && !/^(confirmed|no_answer|hung_up|busy|wrong_key|no_input|fraud_reported|failed|cancelled)$/.test(call.dataset.state)) {
      var status = document.getElementById('call-status');
      poll(call.dataset.statusUrl, function (j) {
        if (status && j.message && status.textContent !== j.message) status.textContent = j.message;
        if (j.state) {
          call.dataset.state = j.state;
          if (status) status.className = 'status ' + j.state;
        }
        return j.final;
      });
    }
    var push = document.getElementById('push');
    if (push && push.dataset.state === 'pending') {
      var pushStatus = document.getElementById('push-status');
      poll(push.dataset.statusUrl, function (j) {
        if (pushStatus && j.message && pushStatus.textContent !== j.message) pushStatus.textContent = j.message;
        return j.final;
      });
    }
    var phone = document.getElementById('sim-phone');
    if (phone) {
      var shown = phone.dataset.state, said = phone.dataset.said, texts = phone.dataset.texts;
      poll(phone.dataset.stateUrl, function (j) {
        return j.state !== shown || String(j.said) !== said || String(j.texts) !== texts;
      });
    }
  });
})();
