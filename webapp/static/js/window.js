// The response window's time left, in the server's words. Each window carries what it will
// show next (data-window-steps: [seconds after it arrived, text, state]) and this swaps those
// in on time; the server renders every window again before its steps run out.
(function () {
  "use strict";

  const arrivals = new WeakMap();

  function show(clock, text, state) {
    if (clock.textContent !== text) clock.textContent = text;
    const was = clock.dataset.windowState;
    if (was === state) return;
    if (!clock.classList.replace(was, state)) clock.classList.add(state);
    clock.dataset.windowState = state;
    clock.dispatchEvent(new CustomEvent("relay:window", { bubbles: true }));
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-window-steps]").forEach((clock) => {
      if (!arrivals.has(clock)) {
        arrivals.set(clock, { at: now, steps: JSON.parse(clock.dataset.windowSteps) });
      }
      const { at, steps } = arrivals.get(clock);
      const due = steps.filter((step) => step[0] <= (now - at) / 1000).pop();
      if (due) show(clock, due[1], due[2]);
    });
  }

  Relay.onUpdate(tick);
  setInterval(tick, 1000);
})();
