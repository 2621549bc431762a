// Kiosk behaviour: idle reset with a visible warning the shopper can extend, the heartbeat, the on-screen keyboard.
(function () {
  "use strict";
  var body = document.body;

  // Idle reset: after data-idle seconds without a touch, warn for data-idle-grace seconds, then go back to a
  // fresh home screen (/kiosk/reset clears the language and large-text choices of the last shopper).
  var idle = parseInt(body.getAttribute("data-idle") || "0", 10);
  var grace = parseInt(body.getAttribute("data-idle-grace") || "20", 10);
  var box = document.getElementById("idle-warning");
  if (idle > 0 && box) {
    var seconds = document.getElementById("idle-seconds");
    var idleTimer = null, tick = null, left = grace;
    var arm = function () {
      clearTimeout(idleTimer);
      clearInterval(tick);
      box.hidden = true;
      idleTimer = setTimeout(warn, idle * 1000);
    };
    var warn = function () {
      left = grace;
      seconds.textContent = String(left);
      box.hidden = false;
      document.getElementById("idle-extend").focus();
      tick = setInterval(function () {
        left -= 1;
        seconds.textContent = String(Math.max(left, 0));
        if (left <= 0) {
          clearInterval(tick);
          window.location.replace("/kiosk/reset");
        }
      }, 1000);
    };
    ["pointerdown", "keydown", "touchstart", "scroll", "wheel"].forEach(function (name) {
      window.addEventListener(name, function () { if (box.hidden) { arm(); } }, { passive: true });
    });
    document.getElementById("idle-extend").addEventListener("click", arm);
    arm();
  }

  // Heartbeat: a kiosk screen (one with a kiosk cookie) tells the store it is alive every minute.
  if (body.getAttribute("data-kiosk")) {
    var beat = function () {
      fetch("/kiosk/beat", { method: "POST", credentials: "same-origin" }).catch(function () {});
    };
    beat();
    setInterval(beat, 60000);
  }

  // On-screen keyboard for the search field (the kiosk has no keyboard).
  document.querySelectorAll(".keyboard").forEach(function (board) {
    var input = document.getElementById(board.getAttribute("data-target"));
    board.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key || !input) { return; }
      var value = key.getAttribute("data-key");
      if (value === "back") { input.value = input.value.slice(0, -1); }
      else if (value === "clear") { input.value = ""; }
      else { input.value += value; }
      if (input.value.length >= 1 && value !== "clear") { input.form.requestSubmit(); }
    });
  });
})();
