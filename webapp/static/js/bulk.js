// Bulk transfer on the chat list: rows ticked (or every row shown) stay ticked while the list
// refreshes itself, each keeping the version it had when ticked, so the server checks every
// chat against what the manager saw. Texts come from the page's data attributes.
(function () {
  "use strict";

  const picks = new Map();  // chat id → "id:version" as ticked
  let listKey = null;

  function shown() {
    return Array.from(document.querySelectorAll("[data-bulk-pick]"));
  }

  function idOf(box) {
    return box.value.split(":")[0];
  }

  function render() {
    const boxes = shown();
    boxes.forEach((box) => {
      box.checked = picks.has(idOf(box));
      if (box.checked) box.value = picks.get(idOf(box));
    });
    const all = document.querySelector("[data-bulk-all]");
    if (all) all.checked = boxes.length > 0 && boxes.every((box) => box.checked);
    const count = document.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = picks.size
        ? Relay.fill(count.dataset.some, { count: picks.size })
        : count.dataset.none;
    }
  }

  function update() {
    const list = document.querySelector("[data-live-list]");
    if (!list || !document.querySelector("[data-bulk-bar]")) return;
    const key = list.dataset.listKey;
    if (key !== listKey) picks.clear();  // another filter or page: a fresh selection
    listKey = key;
    const ids = new Set(shown().map(idOf));
    Array.from(picks.keys()).forEach((id) => { if (!ids.has(id)) picks.delete(id); });
    render();
  }

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box.matches("[data-bulk-pick]")) {
      if (box.checked) picks.set(idOf(box), box.value); else picks.delete(idOf(box));
      render();
    } else if (box.matches("[data-bulk-all]")) {
      shown().forEach((pick) => {
        if (box.checked) picks.set(idOf(pick), pick.value); else picks.delete(idOf(pick));
      });
      render();
    }
  });

  document.addEventListener("chatsTransferred", (event) => {
    picks.clear();
    render();
    Relay.announce(event.detail.message);
  });

  Relay.onUpdate(update);
})();
