// Live chat lists: the tab title counts unread messages, and chats that were not in the list
// before raise a "relay:new-chats" event (alerts.js decides whether to tell).
(function () {
  "use strict";

  const baseTitle = document.title;
  let knownChats = null;
  let listKey = null;

  function update() {
    const list = document.querySelector("[data-live-list]");
    if (!list) return;
    const unread = parseInt(list.dataset.unreadTotal || "0", 10);
    document.title = unread > 0
      ? Relay.fill(list.dataset.unreadTitle, { count: unread, title: baseTitle })
      : baseTitle;
    const ids = (list.dataset.chatIds || "").split(",").filter(Boolean);
    const key = list.dataset.listKey;
    if (knownChats && key === listKey) {
      const fresh = ids.filter((id) => !knownChats.has(id));
      if (fresh.length) {
        document.dispatchEvent(new CustomEvent("relay:new-chats", { detail: { count: fresh.length } }));
      }
      ids.forEach((id) => knownChats.add(id));
    } else {
      knownChats = new Set(ids);  // a new filter or page: a new baseline, no alert
    }
    listKey = key;
  }

  Relay.onUpdate(update);
})();
