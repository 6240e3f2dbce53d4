// The open conversation: it stays scrolled to the newest message unless you scrolled up,
// announces the lead's new messages, and says so when the chat is no longer yours.
(function () {
  "use strict";

  let stickToBottom = true;
  let lastMessage = null;

  document.addEventListener("scroll", (event) => {
    const live = event.target;
    if (live instanceof Element && live.id === "conv-live") {
      stickToBottom = live.scrollHeight - live.scrollTop - live.clientHeight < 40;
    }
  }, true);

  function follow() {
    const live = document.getElementById("conv-live");
    if (!live) return;
    if (stickToBottom) live.scrollTop = live.scrollHeight;
    const newest = live.dataset.lastMessage;
    if (lastMessage !== null && newest && newest !== lastMessage &&
        live.dataset.lastDirection === "in") {
      Relay.announce(live.closest(".conversation").dataset.newMessageText);
    }
    lastMessage = newest || "";
  }

  // A 404 inside the conversation: transferred or closed away from you.
  document.addEventListener("htmx:responseError", (event) => {
    const elt = event.detail.elt;
    const conversation = elt.closest && elt.closest(".conversation");
    if (!conversation || event.detail.xhr.status !== 404) return;
    event.stopImmediatePropagation();  // explained here, not as an error
    const notice = conversation.querySelector("template[data-gone]");
    conversation.replaceChildren(notice.content.cloneNode(true));
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt.id === "reply-form" && event.detail.successful) stickToBottom = true;
  });

  Relay.onUpdate(follow);
})();
