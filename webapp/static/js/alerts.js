// Opt-in alerts for new chats: a sound and a browser notification, remembered per browser.
// The toggle button carries every word said (data-label-on, data-new-chats, …).
(function () {
  "use strict";

  const ALERTS_KEY = "relay.alerts";
  let audio = null;

  function toggleButton() {
    return document.querySelector("[data-alerts-toggle]");
  }
  function alertsOn() {
    try { return localStorage.getItem(ALERTS_KEY) === "on"; } catch (e) { return false; }
  }
  function render() {
    const on = alertsOn();
    document.querySelectorAll("[data-alerts-toggle]").forEach((button) => {
      button.setAttribute("aria-pressed", String(on));
      const label = button.querySelector("[data-alerts-label]");
      if (label) label.textContent = on ? button.dataset.labelOn : button.dataset.labelOff;
    });
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

  document.addEventListener("relay:new-chats", (event) => {
    const button = toggleButton();
    if (!button || !alertsOn()) return;
    const count = event.detail.count;
    const text = Relay.fill(count === 1 ? button.dataset.newChat : button.dataset.newChats,
      { count });
    Relay.announce(text);
    beep();
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      new Notification(button.dataset.notificationTitle, { body: text, tag: "relay-new-chat" });
    }
  });

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
    render();
    Relay.announce(on ? toggle.dataset.announceOn : toggle.dataset.announceOff);
  });

  Relay.onUpdate(render);
})();
