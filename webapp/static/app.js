// Relay's small client behaviours; everything else is htmx.
// Local times, response-window countdowns, Enter-to-send, the tab title's unread count,
// opt-in alerts for new chats, the three-dot menu and the dialogs.
(function () {
  "use strict";

  // Forms answer 422 with their errors inside: swap those too; 204 means "nothing changed".
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false },
    ];
  }

  // Same thresholds as webapp/chats/presenters.py (SOON, URGENT).
  const SOON_MS = 2 * 3600 * 1000;
  const URGENT_MS = 15 * 60 * 1000;
  const ALERTS_KEY = "relay.alerts";
  const baseTitle = document.title.replace(/^\(\d+\)\s*/, "");

  // ---- Announcements (screen readers hear them; a small toast shows them) ----
  let announceTimer = null;
  function announce(text) {
    const region = document.getElementById("live-status");
    if (!region) return;
    region.textContent = text;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => { region.textContent = ""; }, 6000);
  }

  // ---- Times in the browser's local time ----
  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() &&
      a.getDate() === b.getDate();
  }
  function formatLocal(date, style) {
    const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (style === "long") {
      return date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    }
    if (sameDay(date, new Date())) return time;
    return date.toLocaleDateString([], { day: "numeric", month: "short" }) + " " + time;
  }
  function localizeTimes() {
    document.querySelectorAll("time[data-local]").forEach((el) => {
      if (el.dataset.localized) return;
      const date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) return;
      el.textContent = formatLocal(date, el.dataset.local);
      el.title = date.toLocaleString([], { dateStyle: "full", timeStyle: "long" });
      el.dataset.localized = "1";
    });
  }

  // ---- The response window's countdown ----
  function durationText(ms) {
    const seconds = Math.floor(ms / 1000);
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    if (hours) return hours + " h " + minutes + " min";
    if (ms < URGENT_MS) return minutes + " min " + String(seconds % 60).padStart(2, "0") + " s";
    return minutes + " min";
  }
  function tickWindows() {
    const now = Date.now();
    document.querySelectorAll("[data-window-expires]").forEach((el) => {
      const left = Date.parse(el.dataset.windowExpires) - now;
      if (isNaN(left)) return;
      const state = left <= 0 ? "closed" : left < URGENT_MS ? "urgent" : left < SOON_MS ? "soon" : "ok";
      const text = left <= 0 ? "Window closed" : durationText(left) + " left";
      if (el.textContent !== text) el.textContent = text;
      if (!el.classList.contains(state)) {
        el.classList.remove("ok", "soon", "urgent", "closed");
        el.classList.add(state);
      }
    });
    syncReplyForm();
  }

  // The reply box follows the chat: closed, expired, or its window ran out while open.
  function syncReplyForm() {
    const form = document.getElementById("reply-form");
    if (!form || form.classList.contains("htmx-request")) return;
    const head = document.getElementById("conv-head");
    let reason = "";
    if (head && head.dataset.canReply === "false") {
      reason = head.dataset.blockedReason || "You cannot reply to this chat.";
    }
    const clock = head && head.querySelector("[data-window-expires]");
    if (!reason && clock && Date.parse(clock.dataset.windowExpires) <= Date.now()) {
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

  // ---- Enter sends, Shift+Enter adds a line ----
  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.matches("[data-enter-sends]")) return;
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.isComposing) return;
    event.preventDefault();
    if (field.value.trim() && !field.form.classList.contains("htmx-request")) {
      field.form.requestSubmit();
    }
  });

  // ---- The conversation stays scrolled to the newest message unless you scrolled up ----
  let stickToBottom = true;
  let lastMessage = null;
  document.addEventListener("scroll", (event) => {
    const live = event.target;
    if (live instanceof Element && live.id === "conv-live") {
      stickToBottom = live.scrollHeight - live.scrollTop - live.clientHeight < 40;
    }
  }, true);
  function followConversation() {
    const live = document.getElementById("conv-live");
    if (!live) return;
    if (stickToBottom) live.scrollTop = live.scrollHeight;
    const newest = live.dataset.lastMessage;
    if (lastMessage !== null && newest && newest !== lastMessage &&
        live.dataset.lastDirection === "in") {
      announce("New message from the lead.");
    }
    lastMessage = newest || "";
  }

  // ---- Tab title: unread count; alerts on new chats ----
  let knownChats = null;
  let listKey = null;
  function updateList() {
    const list = document.querySelector("[data-live-list]");
    if (!list) return;
    const unread = parseInt(list.dataset.unreadTotal || "0", 10);
    document.title = unread > 0 ? "(" + unread + ") " + baseTitle : baseTitle;
    const ids = (list.dataset.chatIds || "").split(",").filter(Boolean);
    const key = list.getAttribute("hx-get").replace(/([?&])fp=[^&]*/, "$1");
    if (knownChats && key === listKey) {
      const fresh = ids.filter((id) => !knownChats.has(id));
      if (fresh.length) alertNewChats(fresh.length);
      ids.forEach((id) => knownChats.add(id));
    } else {
      knownChats = new Set(ids);  // a new filter or page: a new baseline, no alert
    }
    listKey = key;
  }

  function alertsOn() {
    try { return localStorage.getItem(ALERTS_KEY) === "on"; } catch (e) { return false; }
  }
  function renderAlertsToggle() {
    const on = alertsOn();
    document.querySelectorAll("[data-alerts-toggle]").forEach((button) => {
      button.setAttribute("aria-pressed", String(on));
      const label = button.querySelector("[data-alerts-label]");
      if (label) label.textContent = on ? "Alerts on" : "Alerts off";
    });
  }
  let audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const start = audio.currentTime;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.35);
      tone.connect(gain).connect(audio.destination);
      tone.start(start);
      tone.stop(start + 0.4);
    } catch (e) { /* no audio here: the toast and notification still tell */ }
  }
  function alertNewChats(count) {
    if (!alertsOn()) return;
    const text = count === 1 ? "A new chat arrived." : count + " new chats arrived.";
    announce(text);
    beep();
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      new Notification("Relay", { body: text, tag: "relay-new-chat" });
    }
  }
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-alerts-toggle]");
    if (!toggle) return;
    const on = !alertsOn();
    try { localStorage.setItem(ALERTS_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
    if (on) {
      beep();  // also unlocks audio, which browsers allow only after a click
      if ("Notification" in window && Notification.permission === "default") {
        Notification.requestPermission();
      }
    }
    renderAlertsToggle();
    announce(on ? "Alerts on: a sound and a notification for each new chat." : "Alerts off.");
  });

  // ---- The three-dot menu: a button and a menu, usable with the keyboard ----
  function menuItems(menu) {
    return Array.from(menu.querySelectorAll("[role=menuitem]:not([disabled])"));
  }
  function openMenu(button) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    const items = menuItems(menu);
    if (items.length) items[0].focus();
  }
  function closeMenu(button, focusButton) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (menu) menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (focusButton) button.focus();
  }
  function closeAllMenus(except) {
    document.querySelectorAll("[data-menu-button][aria-expanded=true]").forEach((button) => {
      if (button !== except) closeMenu(button, false);
    });
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-menu-button]");
    if (button) {
      if (button.getAttribute("aria-expanded") === "true") closeMenu(button, true);
      else { closeAllMenus(button); openMenu(button); }
      return;
    }
    closeAllMenus(null);
  });
  document.addEventListener("keydown", (event) => {
    const menu = event.target.closest && event.target.closest("[role=menu]");
    const button = menu && document.querySelector("[aria-controls='" + menu.id + "']");
    if (menu && button) {
      const items = menuItems(menu);
      const index = items.indexOf(event.target);
      const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 };
      if (event.key in moves) {
        event.preventDefault();
        items[(moves[event.key] + items.length) % items.length].focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeMenu(button, true);
      } else if (event.key === "Tab") {
        closeMenu(button, false);
      }
      return;
    }
    const opener = event.target.closest && event.target.closest("[data-menu-button]");
    if (opener && event.key === "ArrowDown") {
      event.preventDefault();
      openMenu(opener);
    }
  });

  // ---- Dialogs: opened by a button, filled by htmx, closed by Escape or a button ----
  let dialogOpener = null;
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.openDialog);
      dialogOpener = opener.closest("[role=menu]")
        ? document.querySelector("[aria-controls='" + opener.closest("[role=menu]").id + "']")
        : opener;
      if (dialog && !dialog.open) dialog.showModal();
      return;
    }
    const closer = event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });
  document.addEventListener("close", (event) => {
    if (!(event.target instanceof HTMLDialogElement)) return;
    if (dialogOpener && document.contains(dialogOpener)) dialogOpener.focus();
    else if (dialogOpener && dialogOpener.id) {
      const again = document.getElementById(dialogOpener.id);
      if (again) again.focus();
    }
  }, true);
  function focusDialog(target) {
    const dialog = target.closest && target.closest("dialog[open]");
    if (!dialog) return;
    const field = dialog.querySelector(
      "[aria-invalid=true], input:not([type=hidden]):not([disabled]), textarea, button");
    if (field) field.focus();
  }
  document.addEventListener("chatTransferred", (event) => {
    document.querySelectorAll("dialog[open]").forEach((dialog) => dialog.close());
    announce(event.detail.message);
  });

  // ---- A chat that is no longer yours, and requests that fail ----
  function showGone(conversation) {
    const notice = document.createElement("div");
    notice.className = "empty";
    const text = document.createElement("p");
    text.textContent = "This chat is no longer in your inbox: it was transferred or closed.";
    const link = document.createElement("a");
    link.href = conversation.dataset.goneUrl;
    link.textContent = "Back to your chats";
    notice.append(text, link);
    conversation.replaceChildren(notice);
  }
  let offlineShown = false;
  document.addEventListener("htmx:responseError", (event) => {
    const elt = event.detail.elt;
    const conversation = elt.closest && elt.closest(".conversation");
    if (conversation && event.detail.xhr.status === 404) {
      showGone(conversation);
      return;
    }
    announce("Something went wrong (" + event.detail.xhr.status + "). Try again in a moment.");
  });
  document.addEventListener("htmx:sendError", () => {
    if (!offlineShown) announce("Relay cannot be reached; it keeps trying.");
    offlineShown = true;
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) offlineShown = false;
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt.id === "reply-form" && event.detail.successful) {
      stickToBottom = true;
    }
  });

  // ---- After every page load and every swap ----
  function refresh() {
    localizeTimes();
    tickWindows();
    followConversation();
    updateList();
    renderAlertsToggle();
  }
  document.addEventListener("htmx:afterSettle", (event) => {
    refresh();
    focusDialog(event.detail.target);
  });
  refresh();
  setInterval(tickWindows, 1000);
})();
