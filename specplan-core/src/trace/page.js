"use strict";
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("#matrix tbody tr.req"));
  var text = document.getElementById("filter");
  var domain = document.getElementById("domain");
  var gapsOnly = document.getElementById("gaps-only");
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");

  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var d = domain.value;
    var visible = 0;
    rows.forEach(function (row) {
      var hay = row.getAttribute("data-search");
      var ok = words.every(function (w) { return hay.indexOf(w) !== -1; }) &&
        (!d || row.getAttribute("data-domain") === d) &&
        (!gapsOnly.checked || row.getAttribute("data-gaps") !== "");
      row.hidden = !ok;
      if (ok) { visible += 1; }
    });
    shown.textContent = visible + " of " + rows.length + " requirements";
    empty.hidden = visible !== 0;
    document.documentElement.setAttribute("data-visible", String(visible));
  }

  text.addEventListener("input", apply);
  domain.addEventListener("change", apply);
  gapsOnly.addEventListener("change", apply);

  // A filter in the URL: #q=login&domain=auth&gaps=1
  function fromHash() {
    var hash = window.location.hash.replace(/^#/, "");
    if (hash.indexOf("=") === -1) { return; }
    hash.split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i === -1) { return; }
      var key = kv.slice(0, i);
      var value = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " "));
      if (key === "q") {
        text.value = value;
        text.dispatchEvent(new Event("input"));
      } else if (key === "domain") {
        domain.value = value;
        domain.dispatchEvent(new Event("change"));
      } else if (key === "gaps") {
        gapsOnly.checked = value === "1" || value === "true";
        gapsOnly.dispatchEvent(new Event("change"));
      }
    });
  }
  window.addEventListener("hashchange", fromHash);
  apply();
  fromHash();
  document.documentElement.setAttribute("data-ready", "true");
})();
