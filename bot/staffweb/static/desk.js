/* /desk: keeps the request list and a request's conversation fresh by polling the console's
   JSON endpoints (no inline script: the page's CSP forbids it). Any element with
   data-poll="<url>" is refreshed every few seconds while the page is visible; it is replaced
   only when its content changed and never while focus is inside it (a button being pressed).
   A 403 (signed out, or no longer a volunteer) reloads the page, which then asks to sign in.
   ES5 on purpose: older phones' browsers run it. */
(function () {
  "use strict";
  var EVERY = 4000;
  var regions = document.querySelectorAll("[data-poll]");
  var status = document.getElementById("poll-status");
  if (!regions.length || !window.fetch) { return; }

  function refresh(region) {
    var url = region.getAttribute("data-poll");
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 403) { window.location.reload(); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (!data || data.sig === region.getAttribute("data-sig")) { return; }
        var active = document.activeElement;
        if (active && active !== document.body && region.contains(active)) { return; }
        region.innerHTML = data.html;
        region.setAttribute("data-sig", data.sig);
        if (status && data.news) {
          status.textContent = "";
          window.setTimeout(function () { status.textContent = data.news; }, 50);
        }
      })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }

  function round() {
    if (!document.hidden) {
      for (var i = 0; i < regions.length; i++) { refresh(regions[i]); }
    }
    window.setTimeout(round, EVERY);
  }
  window.setTimeout(round, EVERY);
})();
