/* global document, window, fetch, setTimeout, clearTimeout, HTMLInputElement */
// Progressive enhancement of the console's license issue form: as one types in the customer
// search, the list of customers below is refreshed in place (the same markup the server renders
// for the plain form, fetched from data-customer-search). Without this script the search button
// reloads the form with the matches. Loaded with `defer` from /assets (no inline script: CSP).
'use strict'
;(function () {
  var input = document.querySelector('input[data-customer-search]')
  if (!(input instanceof HTMLInputElement)) return
  var endpoint = input.getAttribute('data-customer-search') || ''
  var timer = null
  var latest = 0
  input.addEventListener('input', function () {
    if (timer) clearTimeout(timer)
    timer = setTimeout(function () {
      var seq = ++latest
      var url = endpoint + '?find=' + encodeURIComponent(input.value.trim())
      fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
        .then(function (res) {
          return res.ok ? res.text() : null
        })
        .then(function (html) {
          // A slower answer to an older query never replaces a newer one.
          var list = document.getElementById('customer-picker')
          if (html === null || seq !== latest || !list) return
          var chosen = list.querySelector('input[name="customerId"]:checked')
          var wrap = document.createElement('div')
          // Server-rendered markup from our own origin: every value in it is escaped there.
          wrap.innerHTML = html
          var fresh = wrap.firstElementChild
          if (!fresh) return
          if (chosen) {
            var same = fresh.querySelector('input[value="' + window.CSS.escape(chosen.value) + '"]')
            if (same) same.checked = true
          }
          list.replaceWith(fresh)
        })
        .catch(function () {
          // Offline or signed out: the search button still works.
        })
    }, 250)
  })
})()
