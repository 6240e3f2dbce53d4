// Relay's shared client pieces; each component is its own small file beside this one.
// Everything they show comes from the server: texts and timings are data attributes the
// server rendered, never copies of its rules.
window.Relay = (function () {
  "use strict";

  const updates = [];
  let announceTimer = null;

  // Screen readers hear it; a small toast shows it (the page's #live-status region).
  function announce(text) {
    const region = document.getElementById("live-status");
    if (!region || !text) return;
    region.textContent = text;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => { region.textContent = ""; }, 6000);
  }

  // Run `update` on the page now, and again on what every htmx swap brought in.
  function onUpdate(update) {
    updates.push(update);
    update(document);
  }
  document.addEventListener("htmx:afterSettle", (event) => {
    updates.forEach((update) => update(event.detail.target));
  });

  // Fill "{name}" placeholders of a server-rendered text.
  function fill(text, values) {
    return (text || "").replace(/\{(\w+)\}/g, (whole, name) =>
      name in values ? String(values[name]) : whole);
  }

  return { announce, onUpdate, fill };
})();
