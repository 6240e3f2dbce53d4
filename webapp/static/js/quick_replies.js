// Quick replies: typing "/" at the start of a word in the reply box lists the team's quick
// replies (filtered by what follows the slash). Arrow keys choose, Enter or Tab inserts the
// text (already filled in by the server: {lead}, {me}), Escape closes. The list is a
// listbox the textarea points at (aria-activedescendant), so the keyboard alone works and
// screen readers hear the choice. Data and words come from the textarea's data attributes.
(function () {
  "use strict";

  const cache = new Map(); // url → Promise of [{id, title, text}]
  const TOKEN = /(^|\s)\/([^\s/]*)$/;
  let state = null; // {field, list, items, active, start}

  function load(url) {
    if (!cache.has(url)) {
      cache.set(url, fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : []))
        .catch(() => []));
    }
    return cache.get(url);
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function listFor(field) {
    let list = document.getElementById(field.id + "-quick-replies");
    if (!list) {
      list = document.createElement("ul");
      list.id = field.id + "-quick-replies";
      list.className = "quick-replies";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", field.dataset.quickRepliesLabel || "");
      list.hidden = true;
      field.insertAdjacentElement("afterend", list);
      list.addEventListener("mousedown", (event) => {
        const option = event.target.closest("[role=option][data-index]");
        if (!option) return;
        event.preventDefault(); // keep the focus in the textarea
        if (state) { state.active = Number(option.dataset.index); insert(); }
      });
    }
    return list;
  }

  function close() {
    if (!state) return;
    state.list.hidden = true;
    state.list.replaceChildren();
    state.field.setAttribute("aria-expanded", "false");
    state.field.removeAttribute("aria-activedescendant");
    state = null;
  }

  function show(field, items, start) {
    const list = listFor(field);
    list.replaceChildren();
    items.forEach((item, index) => {
      const option = document.createElement("li");
      option.id = list.id + "-" + item.id;
      option.setAttribute("role", "option");
      option.dataset.index = String(index);
      const title = document.createElement("strong");
      title.textContent = "/" + item.title;
      const text = document.createElement("span");
      text.textContent = item.text;
      option.append(title, " ", text);
      list.append(option);
    });
    if (!items.length) {
      const none = document.createElement("li");
      none.setAttribute("role", "option");
      none.setAttribute("aria-disabled", "true");
      none.className = "muted";
      none.textContent = field.dataset.quickRepliesEmpty || "";
      list.append(none);
    }
    list.hidden = false;
    field.setAttribute("aria-controls", list.id);
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-expanded", "true");
    state = { field, list, items, active: 0, start };
    highlight();
  }

  function highlight() {
    const options = state.list.querySelectorAll("[role=option][data-index]");
    options.forEach((option, index) => {
      option.setAttribute("aria-selected", index === state.active ? "true" : "false");
    });
    const current = options[state.active];
    if (current) {
      state.field.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    } else {
      state.field.removeAttribute("aria-activedescendant");
    }
  }

  function insert() {
    const { field, items, active, start } = state;
    const item = items[active];
    if (!item) return;
    const end = field.selectionStart;
    field.value = field.value.slice(0, start) + item.text + field.value.slice(end);
    const caret = start + item.text.length;
    field.setSelectionRange(caret, caret);
    close();
    // As typing would: the draft, the counter and the send button see the new text.
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.dataset.quickReplies) return;
    const before = field.value.slice(0, field.selectionStart);
    const found = TOKEN.exec(before);
    if (!found) { close(); return; }
    const query = fold(found[2]);
    const start = before.length - found[2].length - 1;
    load(field.dataset.quickReplies).then((all) => {
      if (document.activeElement !== field) return;
      const items = all.filter((item) =>
        fold(item.title).includes(query) || fold(item.text).includes(query));
      show(field, items, start);
    });
  });

  // Capture: these keys belong to the open list, not to the reply box (Enter would send).
  document.addEventListener("keydown", (event) => {
    if (!state || event.target !== state.field || event.isComposing) return;
    const count = state.items.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (count) {
        state.active = (state.active + (event.key === "ArrowDown" ? 1 : count - 1)) % count;
        highlight();
      }
    } else if ((event.key === "Enter" || event.key === "Tab") && count && !event.shiftKey) {
      insert();
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }, true);

  document.addEventListener("focusout", (event) => {
    if (state && event.target === state.field) close();
  });
})();
