// A lost session (signed out elsewhere, ended by a password change, expired): an htmx request
// answers 401 with a "sessionEnded" event naming the sign-in address, which leads back to the
// full page this tab shows. Drafts are already kept (drafts.js); the tab goes to sign in once.
(function () {
  "use strict";

  let leaving = false;

  document.addEventListener("sessionEnded", (event) => {
    if (leaving) return;
    leaving = true;
    document.dispatchEvent(new CustomEvent("relay:keep-drafts"));
    window.location.assign(event.detail.loginUrl);
  });
})();
