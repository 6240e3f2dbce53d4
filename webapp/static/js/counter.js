// The reply box's character counter: shown once the text nears the limit, marked when it is
// over (the server refuses such a reply with its own message). Limit, threshold and words are
// the server's data attributes on the box.
(function () {
  "use strict";

  function count(box) {
    const counter = document.getElementById(box.dataset.counter);
    if (!counter) return;
    const limit = Number(box.dataset.counterLimit);
    const length = box.value.length;
    counter.hidden = length < Number(box.dataset.counterFrom);
    const over = length > limit;
    counter.classList.toggle("over", over);
    const number = new Intl.NumberFormat(document.documentElement.lang || undefined);
    counter.textContent = Relay.fill(over ? box.dataset.counterOver : box.dataset.counterText,
      { count: number.format(length), limit: number.format(limit),
        over: number.format(length - limit) });
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("[data-counter]")) count(event.target);
  });
  Relay.onUpdate((root) => {
    const boxes = root.querySelectorAll ? root.querySelectorAll("[data-counter]") : [];
    boxes.forEach(count);
  });
})();
