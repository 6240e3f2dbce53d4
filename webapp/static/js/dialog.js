// Native <dialog>s: opened by a [data-open-dialog] button, filled by htmx, closed by Escape
// or a [data-close-dialog] button; focus goes back to what opened them.
(function () {
  "use strict";

  let opener = null;
  const loading = new Map();  // each dialog body's first content: "Loading…"

  // A dialog opens with "Loading…", never with the previous chat's form still inside.
  function resetBody(dialog) {
    const body = dialog.querySelector("[data-dialog-body]");
    if (!body) return;
    if (!loading.has(body.id)) loading.set(body.id, body.innerHTML);
    else body.innerHTML = loading.get(body.id);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-open-dialog]");
    if (button) {
      const dialog = document.getElementById(button.dataset.openDialog);
      const menu = button.closest("[role=menu]");
      opener = menu ? document.querySelector("[aria-controls='" + menu.id + "']") : button;
      if (dialog && !dialog.open) {
        resetBody(dialog);
        dialog.showModal();
      }
      return;
    }
    const closer = event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });

  document.addEventListener("close", (event) => {
    if (!(event.target instanceof HTMLDialogElement) || !opener) return;
    // The opener may have been swapped meanwhile: find its successor by id.
    const target = document.contains(opener) ? opener : document.getElementById(opener.id);
    if (target) target.focus();
  }, true);

  // Content that arrives in an open dialog gets the focus (an invalid field first), unless
  // someone already stands in one of its fields: a preview refreshed while they type, or
  // a field they reached before htmx settled, must not send them back to the first field.
  function focusDialog(target) {
    const dialog = target.closest && target.closest("dialog[open]");
    if (!dialog) return;
    const active = document.activeElement;
    if (active && dialog.contains(active) && active.matches("input, textarea, select")) return;
    const field = dialog.querySelector(
      "[aria-invalid=true], input:not([type=hidden]):not([disabled]), textarea, button");
    if (field) field.focus();
  }

  // A transfer or a template went out: the dialog's work is done; say so.
  ["chatTransferred", "templateSent"].forEach((name) => {
    document.addEventListener(name, (event) => {
      document.querySelectorAll("dialog[open]").forEach((dialog) => dialog.close());
      Relay.announce(event.detail.message);
    });
  });

  Relay.onUpdate(focusDialog);
})();
