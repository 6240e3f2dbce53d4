// Reply drafts, kept per chat (and per user) in this browser's localStorage: they survive
// going to another chat, a reload and a lost session, and are forgotten once the reply is
// sent. The key is the server's (the reply box's data-draft-key).
(function () {
  "use strict";

  function boxes(root) {
    const found = Array.from(root.querySelectorAll ? root.querySelectorAll("[data-draft-key]") : []);
    if (root.matches && root.matches("[data-draft-key]")) found.push(root);
    return found;
  }
  function read(key) {
    try { return localStorage.getItem(key) || ""; } catch (e) { return ""; }
  }
  function write(key, text) {
    try {
      if (text) localStorage.setItem(key, text); else localStorage.removeItem(key);
    } catch (e) { /* private mode or full: the box still works */ }
  }
  function keep(box) {
    write(box.dataset.draftKey, box.value);
  }

  // A box that arrives empty gets its chat's draft back (a box the server filled keeps it).
  function restore(root) {
    boxes(root).forEach((box) => {
      const draft = read(box.dataset.draftKey);
      if (draft && !box.value) {
        box.value = draft;
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("[data-draft-key]")) keep(event.target);
  });
  document.addEventListener("relay:keep-drafts", () => boxes(document).forEach(keep));

  // A reply the server took (200) is sent: forget its draft before the empty box arrives.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!form || form.id !== "reply-form" || event.detail.xhr.status !== 200) return;
    boxes(form).forEach((box) => write(box.dataset.draftKey, ""));
  });

  Relay.onUpdate(restore);
})();
