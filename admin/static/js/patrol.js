// Patrol pages (no inline script under the CSP): the live-ish snapshot reloads itself, the notice prints.
(function () {
  "use strict";
  document.querySelectorAll("img[data-refresh]").forEach(function (img) {
    var every = parseInt(img.getAttribute("data-refresh"), 10) * 1000;
    setInterval(function () {
      img.src = img.src.split("?")[0] + "?t=" + Date.now();
    }, every);
  });
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
