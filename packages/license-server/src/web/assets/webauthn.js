/* global window, document, navigator, fetch, btoa, atob */
// Passkeys (WebAuthn) for the console and portal: buttons with data-webauthn="login" or
// "register", data-options (URL that answers {options, csrfToken}) and data-verify (URL that
// takes {response}). Loaded from /assets (no inline script).
'use strict'
;(function () {
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer)
    var s = ''
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i])
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  }
  function fromB64url(text) {
    var s = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4))
    var out = new Uint8Array(s.length)
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
    return out.buffer
  }
  function post(url, body, token) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-csrf-token': token,
      },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().then(function (json) {
        // eslint-disable-next-line no-restricted-syntax -- browser script: a plain Error for the UI
        if (!res.ok) throw new Error(json.error || 'Request failed')
        return json
      })
    })
  }
  function credentialJson(cred) {
    var r = cred.response
    var response = { clientDataJSON: toB64url(r.clientDataJSON) }
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject)
      response.transports = r.getTransports ? r.getTransports() : []
    } else {
      response.authenticatorData = toB64url(r.authenticatorData)
      response.signature = toB64url(r.signature)
      if (r.userHandle) response.userHandle = toB64url(r.userHandle)
    }
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: response,
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
    }
  }
  function status(text) {
    var el = document.getElementById('passkey-status')
    if (el) el.textContent = text
  }
  function run(button) {
    var mode = button.getAttribute('data-webauthn')
    var token = window.tollgateCsrf || ''
    status(
      mode === 'login' ? 'Waiting for your passkey…' : 'Follow your browser to create a passkey…',
    )
    post(button.getAttribute('data-options'), {}, token)
      .then(function (answer) {
        var o = answer.options
        o.challenge = fromB64url(o.challenge)
        token = answer.csrfToken || token
        if (mode === 'register') {
          o.user.id = fromB64url(o.user.id)
          ;(o.excludeCredentials || []).forEach(function (c) {
            c.id = fromB64url(c.id)
          })
          return navigator.credentials.create({ publicKey: o })
        }
        ;(o.allowCredentials || []).forEach(function (c) {
          c.id = fromB64url(c.id)
        })
        return navigator.credentials.get({ publicKey: o })
      })
      .then(function (cred) {
        return post(
          button.getAttribute('data-verify'),
          { response: credentialJson(cred), next: button.getAttribute('data-next') || undefined },
          token,
        )
      })
      .then(function (result) {
        if (mode === 'login') window.location.assign(result.redirect || '/')
        else window.location.reload()
      })
      .catch(function (err) {
        status('Passkey failed: ' + (err && err.message ? err.message : 'cancelled'))
      })
  }
  document.addEventListener('click', function (event) {
    var button =
      event.target instanceof window.Element ? event.target.closest('[data-webauthn]') : null
    if (!button) return
    if (!window.PublicKeyCredential) {
      status('This browser does not support passkeys; use your password and code.')
      return
    }
    event.preventDefault()
    run(button)
  })
})()
