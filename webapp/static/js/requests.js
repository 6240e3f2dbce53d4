// Requests that fail: a page whose form token expired says so and offers a reload; other
// errors and a lost connection are announced. The words are the server's.
(function () {
  "use strict";

  let offlineShown = false;

  function region() {
    return document.getElementById("live-status");
  }

  document.addEventListener("pageExpired", (event) => {
    const notice = document.getElementById("page-expired");
    notice.querySelector("[data-page-expired-text]").textContent = event.detail.message;
    notice.hidden = false;
  });

  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.getResponseHeader("HX-Trigger")) return;  // the response told its own story
    const status = region();
    if (status) Relay.announce(Relay.fill(status.dataset.errorText, { status: xhr.status }));
  });

  document.addEventListener("htmx:sendError", () => {
    const status = region();
    if (status && !offlineShown) Relay.announce(status.dataset.offlineText);
    offlineShown = true;
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) offlineShown = false;
  });
})();
