// Relay's small client behaviours; everything else is htmx.
document.addEventListener("htmx:configRequest", () => {});
