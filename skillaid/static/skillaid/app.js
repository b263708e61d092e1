// Small behaviours of the pages, without a framework (served from our static files).

// On a phone the header menu folds behind a button: the button opens and closes it,
// Escape closes it and gives the focus back to the button.
(function () {
  var button = document.getElementById("menu-button");
  if (!button) return;
  var header = button.closest("header");
  function show(open) {
    header.classList.toggle("menu-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () {
    show(!header.classList.contains("menu-open"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("menu-open")) {
      show(false);
      button.focus();
    }
  });
})();

// The projector page fills the screen at the press of a button (the browser asks nothing more).
document.querySelectorAll("[data-fullscreen]").forEach(function (button) {
  button.addEventListener("click", function () {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  });
});
