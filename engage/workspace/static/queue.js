// The queue refreshes itself, so a new urgent flag shows without a reload. The server answers 204 when
// nothing shown has changed; a refresh waits while someone is writing a note or has a form open.
(function () {
  "use strict";
  var queue = document.getElementById("queue");
  if (!queue) { return; }
  var every = 5000;

  function busy() {
    var active = document.activeElement;
    return (active && queue.contains(active) && active.tagName !== "A" && active.tagName !== "BUTTON") ||
      queue.querySelector("details[open]") !== null;
  }

  function refresh() {
    if (busy()) { return; }
    var rows = queue.querySelector(".rows");
    var url = queue.dataset.refresh + "&since=" + encodeURIComponent(rows ? rows.dataset.fingerprint : "");
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.status === 200 ? response.text() : null;
      })
      .then(function (html) { if (html !== null && !busy()) { queue.innerHTML = html; } })
      .catch(function () { /* the next tick tries again */ });
  }

  window.setInterval(refresh, every);
}());
