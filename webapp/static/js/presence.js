// Closing the last Relay tab of a browser ends its user's presence within seconds, not after
// the whole presence timeout. Tabs keep count of each other over a BroadcastChannel, and only
// the last one to close sends the beacon. Going to another page closes this one too, so a page
// that opens just after a beacon says it is back. Addresses, the CSRF token and the grace come
// from this script tag's data attributes, rendered by the server.
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || !navigator.sendBeacon || !window.BroadcastChannel) return;
  const config = script.dataset;
  const graceMs = Number(config.graceSeconds) * 1000;
  const LEFT_AT = "relay.presence.left-at"; // sessionStorage: when this tab last said it left
  const me = Math.random().toString(36).slice(2);
  const others = new Set();
  const channel = new BroadcastChannel("relay.presence");

  channel.onmessage = (event) => {
    const { says, from } = event.data || {};
    if (says === "bye") {
      others.delete(from);
      return;
    }
    others.add(from);
    if (says === "hello") channel.postMessage({ says: "here", from: me });
  };

  function seen() {
    fetch(config.seenUrl, { method: "POST", headers: { "X-CSRFToken": config.csrfToken } });
  }

  function arrive(restored) {
    others.clear();
    channel.postMessage({ says: "hello", from: me });
    const sinceLeft = Date.now() - Number(sessionStorage.getItem(LEFT_AT));
    sessionStorage.removeItem(LEFT_AT);
    // The beacon may land after this page's own request: say it again once it has.
    if (sinceLeft < graceMs) setTimeout(seen, graceMs / 2);
    else if (restored) seen(); // back from the back-forward cache, no request made
  }

  window.addEventListener("pagehide", () => {
    channel.postMessage({ says: "bye", from: me });
    if (others.size) return;
    const form = new FormData();
    form.append("csrf_token", config.csrfToken);
    if (navigator.sendBeacon(config.leaveUrl, form)) {
      sessionStorage.setItem(LEFT_AT, String(Date.now()));
    }
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) arrive(true);
  });
  arrive(false);
})();
