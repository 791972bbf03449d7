/* /desk/announce: shows how many users the chosen audience reaches as it is chosen (no inline
   script: the page's CSP forbids it). ES5 on purpose: older phones' browsers run it. */
(function () {
  "use strict";
  var form = document.getElementById("composer");
  var out = document.getElementById("ann-count");
  if (!form || !out || !window.fetch) { return; }
  var url = form.getAttribute("data-count");
  var timer = null;

  function value(name) {
    var el = form.elements[name];
    if (!el) { return ""; }
    if (el.length !== undefined && el.tagName === undefined) {
      for (var i = 0; i < el.length; i++) { if (el[i].checked) { return el[i].value; } }
      return "";
    }
    return el.value;
  }

  function ask() {
    var query = "audience=" + encodeURIComponent(value("audience")) +
      "&district=" + encodeURIComponent(value("district")) +
      "&value=" + encodeURIComponent(value("value"));
    fetch(url + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { out.textContent = data.words || ""; } })
      .catch(function () { /* the preview shows the count anyway */ });
  }

  function later() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(ask, 400);
  }
  form.addEventListener("change", later);
  form.addEventListener("input", later);
  ask();
})();
