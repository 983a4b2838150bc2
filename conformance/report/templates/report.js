"use strict";
// Optional comforts: the page works without them (findings open with <details>).
(function () {
  var all = document.querySelectorAll("details.findings");
  var tools = document.getElementById("tools");
  if (tools && all.length) {
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-open]");
      if (!button) {
        return;
      }
      var open = button.getAttribute("data-open") === "true";
      all.forEach(function (details) {
        details.open = open;
      });
    });
  }
  // A link to #check-ID (from "Needs attention" or pasted in a chat) opens that check's findings.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var details = target ? target.querySelector("details") : null;
    if (details) {
      details.open = true;
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
