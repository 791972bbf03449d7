/* /desk: keeps the request list, a request's conversation and an announcement's progress fresh
   by polling the console's JSON endpoints (no inline script: the page's CSP forbids it). Any
   element with data-poll="<url>" is refreshed every few seconds while the page is visible; it
   is replaced only when its content changed and never while focus is inside it (a button being
   pressed). Screen readers hear a short note (#poll-status) only when the number of items
   changes. Signed out, or no longer a volunteer: the page reloads and asks to sign in.
   ES5 on purpose: older phones' browsers run it. */
(function () {
  "use strict";
  var EVERY = 4000;
  var regions = document.querySelectorAll("[data-poll]");
  var status = document.getElementById("poll-status");
  if (!regions.length || !window.fetch) { return; }

  function say(words) {
    if (!status || !words) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = words; }, 50);
  }

  function apply(region, data) {
    if (!data || data.sig === region.getAttribute("data-sig")) { return; }
    var active = document.activeElement;
    if (active && active !== document.body && region.contains(active)) { return; }
    var before = region.getAttribute("data-count");
    region.innerHTML = data.html;
    region.setAttribute("data-sig", data.sig);
    var now = String(data.count === undefined ? data.state : data.count);
    region.setAttribute("data-count", now);
    if (before !== null && before !== now) { say(data.news); }
  }

  function refresh(region) {
    var url = region.getAttribute("data-poll");
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 403) {
          return r.json().then(function (body) {
            if (body && body.error === "not_signed_in") { window.location.reload(); }
            region.removeAttribute("data-poll");  // not ours to see any more: stop asking
            return null;
          });
        }
        return r.ok ? r.json() : null;
      })
      .then(function (data) { apply(region, data); })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }

  function round() {
    if (!document.hidden) {
      for (var i = 0; i < regions.length; i++) {
        if (regions[i].getAttribute("data-poll")) { refresh(regions[i]); }
      }
    }
    window.setTimeout(round, EVERY);
  }
  window.setTimeout(round, EVERY);
})();
