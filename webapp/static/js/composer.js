// The reply box: Enter sends, Shift+Enter adds a line. It shuts, saying why, when the chat
// cannot be answered (the header's data-blocked-reason) or its window closes while open.
(function () {
  "use strict";

  function sync() {
    const form = document.getElementById("reply-form");
    if (!form || form.classList.contains("htmx-request")) return;
    const head = document.getElementById("conv-head");
    const clock = head && head.querySelector("[data-window-state]");
    let reason = head ? head.dataset.blockedReason : "";
    if (!reason && clock && clock.dataset.windowState === "closed") {
      reason = form.dataset.windowClosed;
    }
    const textarea = form.querySelector("textarea");
    const button = form.querySelector("button[type=submit]");
    const note = form.querySelector("#reply-blocked");
    textarea.disabled = button.disabled = Boolean(reason);
    if (note) {
      note.hidden = !reason;
      if (reason && note.textContent !== reason) note.textContent = reason;
    }
  }

  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.matches("[data-enter-sends]")) return;
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.isComposing) return;
    event.preventDefault();
    if (field.value.trim() && !field.form.classList.contains("htmx-request")) {
      field.form.requestSubmit();
    }
  });

  Relay.onUpdate(sync);
  document.addEventListener("relay:window", sync);
})();
