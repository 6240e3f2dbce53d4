// Alerts for new chats and new messages in my chats: a sound, a desktop notification while
// the tab is hidden, and a count on the tab's icon. Whether they are on is the user's
// preference, kept by the server (/account, or the prompt here); every word is a data
// attribute of the [data-alerts] block the server rendered.
(function () {
  "use strict";

  const LATER_KEY = "relay.alerts-prompt";  // this browser put the prompt aside
  let audio = null;
  let icon = null;  // the original favicon, and the image drawn from it

  function block() {
    return document.querySelector("[data-alerts]");
  }
  function alertsOn() {
    const alerts = block();
    return Boolean(alerts) && alerts.dataset.alertsOn === "true";
  }
  function later() {
    try { return localStorage.getItem(LATER_KEY) === "later"; } catch (e) { return false; }
  }

  function render() {
    const alerts = block();
    if (!alerts) return;
    const on = alertsOn();
    alerts.querySelector("[data-alerts-prompt]").hidden = on || later();
    const toggle = alerts.querySelector("[data-alerts-toggle]");
    toggle.hidden = !on && !later();
    toggle.setAttribute("aria-pressed", String(on));
    toggle.setAttribute("hx-vals", JSON.stringify({ alerts: on ? "off" : "on" }));
    toggle.querySelector("[data-alerts-label]").textContent =
      on ? toggle.dataset.labelOn : toggle.dataset.labelOff;
  }

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

  // The tab's icon with the unread count on it (the original icon once nothing is unread).
  function badge(count) {
    const link = document.querySelector("link[rel=icon][type='image/svg+xml']");
    const alerts = block();
    if (!link || !alerts) return;
    if (!icon) icon = { href: link.href, image: new Image() };
    if (!alertsOn() || count <= 0) {
      link.href = icon.href;
      document.documentElement.dataset.faviconBadge = "0";
      return;
    }
    const draw = () => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 32;
      const pen = canvas.getContext("2d");
      pen.drawImage(icon.image, 0, 0, 32, 32);
      pen.fillStyle = alerts.dataset.badgeColor;
      pen.beginPath();
      pen.arc(22, 10, 10, 0, 2 * Math.PI);
      pen.fill();
      pen.fillStyle = "#fff";
      pen.font = "bold 14px sans-serif";
      pen.textAlign = "center";
      pen.textBaseline = "middle";
      pen.fillText(count > 9 ? "9+" : String(count), 22, 11);
      link.href = canvas.toDataURL("image/png");
      document.documentElement.dataset.faviconBadge = String(count);
    };
    if (icon.image.complete && icon.image.naturalWidth) draw();
    else {
      icon.image.onload = draw;
      icon.image.src = icon.href;
    }
  }

  function alert(textKey, textsKey, count) {
    const alerts = block();
    if (!alerts || !alertsOn()) return;
    const text = Relay.fill(count === 1 ? alerts.dataset[textKey] : alerts.dataset[textsKey],
      { count });
    Relay.announce(text);
    beep();
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      new Notification(alerts.dataset.notificationTitle, { body: text, tag: "relay-alert" });
    }
  }

  document.addEventListener("relay:new-chats", (event) =>
    alert("newChat", "newChats", event.detail.count));
  document.addEventListener("relay:new-messages", (event) =>
    alert("newMessage", "newMessages", event.detail.count));
  document.addEventListener("relay:unread", (event) => badge(event.detail.count));

  // Turning them on is a click: the moment browsers allow sound and the permission prompt.
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-alerts-later]")) {
      try { localStorage.setItem(LATER_KEY, "later"); } catch (e) { /* private mode */ }
      render();
      return;
    }
    const toggle = event.target.closest("[data-alerts-set], [data-alerts-toggle]");
    if (!toggle || alertsOn()) return;
    beep();
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
  });

  // The server saved the choice (POST /account/alerts answers with this event).
  document.addEventListener("alertsChanged", (event) => {
    const alerts = block();
    if (!alerts) return;
    alerts.dataset.alertsOn = String(event.detail.on);
    render();
    const list = document.querySelector("[data-live-list]");
    badge(list ? parseInt(list.dataset.unreadTotal || "0", 10) : 0);
    Relay.announce(event.detail.on ? alerts.dataset.announceOn : alerts.dataset.announceOff);
  });

  Relay.onUpdate(render);
  const list = document.querySelector("[data-live-list]");
  if (list) badge(parseInt(list.dataset.unreadTotal || "0", 10));
})();
