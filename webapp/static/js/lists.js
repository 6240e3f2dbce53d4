// Live chat lists: the tab title counts unread messages; chats that were not in the list
// before raise "relay:new-chats", more unread messages in the same chats "relay:new-messages",
// and every render "relay:unread" with the total (alerts.js decides whether to tell).
(function () {
  "use strict";

  const baseTitle = document.title;
  let knownChats = null;
  let listKey = null;
  let knownUnread = null;

  function tell(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

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
      if (fresh.length) tell("relay:new-chats", { count: fresh.length });
      else if (unread > knownUnread) tell("relay:new-messages", { count: unread - knownUnread });
      ids.forEach((id) => knownChats.add(id));
    } else {
      knownChats = new Set(ids);  // a new filter or page: a new baseline, no alert
    }
    listKey = key;
    knownUnread = unread;
    tell("relay:unread", { count: unread });
  }

  Relay.onUpdate(update);
})();
