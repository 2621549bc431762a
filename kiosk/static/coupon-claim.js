// The kiosk coupon claim on the phone (store/marketing/kiosk.py renders the page): sign in with the mobile number
// and an SMS code through the members API, then claim with the member token. The token is kept in this browser
// (localStorage, like the mini-program's session) until it expires; refusals are shown as the page's sentences.
(function () {
  "use strict";
  var form = document.getElementById("claim-form");
  if (!form) return;
  var KEY = "smartstore.member";
  var status = document.getElementById("claim-status");
  var store = parseInt(form.getAttribute("data-store"), 10);
  var coupon = form.getAttribute("data-coupon");
  var phone = document.getElementById("phone");
  var code = document.getElementById("code");
  var step = document.getElementById("sign-in-step");
  var signedIn = document.getElementById("signed-in");
  var button = document.getElementById("claim-button");
  var other = document.getElementById("switch-member");
  var PROBLEMS = {
    "sign-in-code-invalid": "code", "too-many-sign-in-codes": "many", "rate-limited": "many",
    "coupon-member-limit": "limit", "coupon-sold-out": "soldout", "coupon-expired": "expired",
    "unauthorized": "signin", "member-token-invalid": "signin"
  };

  function text(name) { return form.getAttribute("data-msg-" + name) || form.getAttribute("data-msg-error"); }
  function say(message, bad) { status.textContent = message; status.className = bad ? "notice bad" : "notice"; }
  function slug(body) { return String((body && body.type) || "").split("/").pop(); }
  function post(url, data, token) {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(url, { method: "POST", headers: headers, body: JSON.stringify(data), credentials: "omit" })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (b) { return { ok: r.ok, status: r.status, body: b }; });
      });
  }
  function refuse(answer) {
    if (answer.status === 422) return say(text("phone"), true);
    say(text(PROBLEMS[slug(answer.body)] || "error"), true);
  }
  function session() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (saved && saved.store === store && new Date(saved.expires) > new Date()) return saved;
    } catch (e) { /* a damaged entry: sign in again */ }
    return null;
  }
  function show() {
    var saved = session();
    step.hidden = !!saved;
    signedIn.hidden = other.hidden = !saved;
    if (saved) signedIn.textContent = text("member").replace("{no}", saved.member_no);
  }
  function forget() { window.localStorage.removeItem(KEY); show(); }
  function validPhone() { return /^1\d{10}$/.test(phone.value.trim()); }

  document.getElementById("send-code").addEventListener("click", function () {
    if (!validPhone()) return say(text("phone"), true);
    post("/api/v1/members/sign-in/code", { store_id: store, phone: phone.value.trim() }).then(function (answer) {
      if (!answer.ok) return refuse(answer);
      say(text("sent"), false);
      code.focus();
    }, function () { say(text("error"), true); });
  });

  function claim(token) {
    return post("/api/v1/marketing/coupons/" + coupon + "/claim", { channel: "kiosk" }, token).then(function (answer) {
      if (answer.status === 401) { forget(); return say(text("signin"), true); }
      if (!answer.ok) return refuse(answer);
      say(text("claimed"), false);
      form.hidden = true;
      document.getElementById("coupon-code").textContent = answer.body.code;
      document.getElementById("claimed").hidden = false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    var done = function () { button.disabled = false; };
    var saved = session();
    if (saved) { claim(saved.token).then(done, function () { done(); say(text("error"), true); }); return; }
    if (!validPhone()) { done(); return say(text("phone"), true); }
    if (!/^\d{6}$/.test(code.value.trim())) { done(); return say(text("code"), true); }
    post("/api/v1/members/sign-in", { store_id: store, phone: phone.value.trim(), code: code.value.trim() })
      .then(function (answer) {
        if (!answer.ok) return refuse(answer);
        window.localStorage.setItem(KEY, JSON.stringify({
          store: store, token: answer.body.access_token, expires: answer.body.access_expires_at,
          member_no: answer.body.member_no
        }));
        show();
        return claim(answer.body.access_token);
      })
      .then(done, function () { done(); say(text("error"), true); });
  });
  other.addEventListener("click", forget);
  show();
})();
