// Find-my-car: the on-screen plate keyboard (no auto-submit: a plate is searched when complete).
(function () {
  "use strict";
  document.querySelectorAll(".plate-board").forEach(function (board) {
    var input = document.getElementById(board.getAttribute("data-target"));
    board.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key || !input) { return; }
      var value = key.getAttribute("data-key");
      if (value === "back") { input.value = input.value.slice(0, -1); }
      else if (value === "clear") { input.value = ""; }
      else if (input.value.length < 8) { input.value += value; }
    });
  });
})();
