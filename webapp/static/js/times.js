// Times in the browser's local time zone and language; the server renders UTC until then.
(function () {
  "use strict";

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

  Relay.onUpdate(localizeTimes);
})();
