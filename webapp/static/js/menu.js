// The three-dot menu: a button and a menu, usable with the keyboard.
(function () {
  "use strict";

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
})();
