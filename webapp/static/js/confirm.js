// Confirmation before an action that is hard to undo: a form with data-confirm-title asks in
// a native, modal <dialog> (keyboard: focus starts on Cancel, Escape cancels, Tab stays
// inside) and submits only once confirmed. Every word is the form's data attributes.
(function () {
  "use strict";

  let dialog = null;
  let pending = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "dialog confirm-dialog";
    dialog.id = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.setAttribute("aria-describedby", "confirm-text");
    const title = document.createElement("h2");
    title.id = "confirm-title";
    const text = document.createElement("p");
    text.id = "confirm-text";
    const actions = document.createElement("div");
    actions.className = "row-actions";
    const yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger";
    yes.dataset.confirmYes = "";
    const no = document.createElement("button");
    no.type = "button";
    no.dataset.confirmNo = "";
    actions.append(yes, no);
    dialog.append(title, text, actions);
    document.body.append(dialog);
    yes.addEventListener("click", () => {
      const form = pending;
      pending = null;
      dialog.close();
      if (form) {
        form.dataset.confirmed = "yes";
        form.requestSubmit(form.confirmSubmitter || undefined);
      }
    });
    no.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      if (pending && pending.confirmSubmitter) pending.confirmSubmitter.focus();
      pending = null;
    });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirmTitle) return;
    if (form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!dialog) build();
    pending = form;
    form.confirmSubmitter = event.submitter || form.querySelector("[type=submit]");
    dialog.querySelector("#confirm-title").textContent = form.dataset.confirmTitle;
    dialog.querySelector("#confirm-text").textContent = form.dataset.confirmText || "";
    dialog.querySelector("[data-confirm-yes]").textContent = form.dataset.confirmYes;
    dialog.querySelector("[data-confirm-no]").textContent = form.dataset.confirmNo;
    dialog.showModal();
    dialog.querySelector("[data-confirm-no]").focus();
  }, true);
})();
