/* global window, document, navigator, HTMLFormElement, HTMLInputElement, HTMLSelectElement, HTMLTextAreaElement, Element, setTimeout */
// Progressive enhancement for the console and portal. Every page works without it; this only
// adds confirmations, copy buttons and auto-submitting filters. Loaded with `defer` from
// /assets (the CSP allows no inline script).
'use strict'
;(function () {
  var csrfMeta = document.querySelector('meta[name="csrf-token"]')
  /** The page's CSRF token, for fetch() calls: send it as the x-csrf-token header. */
  window.tollgateCsrf = csrfMeta ? csrfMeta.getAttribute('content') : ''

  // <form data-confirm="Revoke this license?">: ask before a destructive post.
  document.addEventListener('submit', function (event) {
    var form = event.target
    if (!(form instanceof HTMLFormElement)) return
    var question = form.getAttribute('data-confirm')
    if (question && !window.confirm(question)) {
      event.preventDefault()
      return
    }
    // Double-submit guard: one click, one mutation.
    if (form.dataset.submitted === '1') {
      event.preventDefault()
      return
    }
    form.dataset.submitted = '1'
  })

  // <button data-copy="element-id">: copy the element's text.
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-copy]') : null
    if (!button) return
    var source = document.getElementById(button.getAttribute('data-copy') || '')
    if (!source || !navigator.clipboard) return
    navigator.clipboard.writeText(source.textContent || '').then(function () {
      var before = button.textContent
      button.textContent = 'Copied'
      setTimeout(function () {
        button.textContent = before
      }, 1500)
    })
  })

  // <select data-autosubmit>: submit the filter form when the value changes.
  document.addEventListener('change', function (event) {
    var el = event.target
    if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) {
      el.form.requestSubmit()
    }
  })

  // <input type="file" data-fill="textarea-id">: an upload where the form takes pasted text. The
  // file's text goes into the textarea, which is what the form sends (the input has no name), so
  // the server checks an uploaded file exactly like a pasted one, size limit included.
  document.addEventListener('change', function (event) {
    var input = event.target
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute('data-fill')) return
    var target = document.getElementById(input.getAttribute('data-fill') || '')
    var file = input.files && input.files[0]
    if (!(target instanceof HTMLTextAreaElement) || !file) return
    file.text().then(function (text) {
      target.value = text
    })
  })
})()
