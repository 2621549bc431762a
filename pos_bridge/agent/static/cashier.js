// The cashier screen: one input field, the keyboard (and a barcode scanner acting as one) does everything.
"use strict";
(function () {
  const lang = document.documentElement.dataset.lang;
  const T = {
    zh: { online: "在线", offline: "离线：照常收现金，联网后自动上传", queued: "待上传", dead: "需主管处理",
      shiftOpen: "班次进行中", shiftClosed: "班次已结束", nomember: "非会员", member: "会员", memberOffline: "离线验证，联网后积分入账",
      nocoupon: "优惠券：无", coupon: "优惠券", "mode-sku": "扫码或输入商品编码（数量*编码）",
      "mode-member": "扫描会员码", "mode-coupon": "输入优惠券码", "mode-refund": "退款：输入单号（可加 空格 金额元）",
      "mode-reprint": "重打小票：输入单号", "mode-split": "分单支付：输入 方式号 金额（如 2 30），空 Enter 余额收现金", split: "分单", "mode-auth": "扫描顾客付款码", "mode-pay": "选择支付方式 1–5，Enter 确认收款", done: "已完成，小票已打印",
      pending: "支付结果未知，正在查询", emptyCart: "购物车是空的", closed: "已结班", refunded: "已退款",
      methods: ["现金", "银行卡", "微信支付", "支付宝", "数字人民币"] },
    en: { online: "Online", offline: "Offline: cash sales continue, forwarded when back", queued: "queued",
      dead: "need a supervisor", shiftOpen: "Shift open", shiftClosed: "Shift closed", nomember: "No member",
      memberOffline: "checked offline: points once back online",
      member: "Member", nocoupon: "Coupon: none", coupon: "Coupon", "mode-sku": "Scan or type a SKU (qty*code)",
      "mode-member": "Scan the member code", "mode-coupon": "Type the coupon code",
      "mode-refund": "Refund: order number (optionally space and amount in yuan)", "mode-reprint": "Reprint: order number", "mode-split": "Split: method number and yuan (e.g. 2 30), empty Enter takes the rest in cash", split: "Split",
      "mode-auth": "Scan the buyer's payment code", "mode-pay": "Choose the payment method 1–5, Enter to take it", done: "Done, receipt printed", pending: "Payment unknown: checking",
      emptyCart: "The cart is empty", closed: "Shift closed", refunded: "Refunded",
      methods: ["Cash", "Bank card", "WeChat Pay", "Alipay", "e-CNY"] },
  }[lang];
  const METHODS = ["cash", "unionpay", "wechat", "alipay", "ecny"];
  const $ = (id) => document.getElementById(id);
  const entry = $("entry");
  let cart = [], method = 0, mode = "sku", member = null, coupon = null, tenders = [];

  const yuan = (fen) => "￥" + (fen / 100).toFixed(2);
  function say(text, ok) { const m = $("message"); m.textContent = text; m.className = ok ? "ok" : "error"; }
  async function call(path, body) {
    const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const response = await fetch(path, init);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || (data.detail && JSON.stringify(data.detail)) || response.status);
    return data;
  }
  function setMode(next) { mode = next; $("mode").textContent = T["mode-" + next]; entry.value = ""; entry.focus(); }
  function subtotal() { return cart.reduce((s, l) => s + l.quantity * l.price_fen, 0); }
  function draw() {
    const body = $("cart").tBodies[0];
    body.replaceChildren(...cart.map((l, i) => {
      const tr = document.createElement("tr");
      [i + 1, l.name + " " + l.sku, l.quantity, yuan(l.price_fen), yuan(l.quantity * l.price_fen)].forEach((v, c) => {
        const td = document.createElement("td"); td.textContent = v; if (c >= 2) td.className = "num"; tr.append(td);
      });
      return tr;
    }));
    const discount = coupon ? coupon.discount_fen : 0;
    $("total").textContent = yuan(Math.max(0, subtotal() - discount));
    $("member").textContent = member ? `${T.member} ${member.member_no} · ${member.tier_name}${member.offline ? " · " + T.memberOffline : ""}` : T.nomember;
    $("coupon").textContent = coupon ? `${T.coupon} ${coupon.code} −${yuan(coupon.discount_fen)}` : T.nocoupon;
    $("tenders").textContent = tenders.length ? `${T.split}: ` + tenders.map((t) => `${T.methods[METHODS.indexOf(t.method)]} ${yuan(t.amount_fen)}`).join(" + ") : "";
    $("methods").replaceChildren(...T.methods.map((name, i) => {
      const li = document.createElement("li"); li.textContent = `${i + 1} ${name}`; if (i === method) li.className = "on"; return li;
    }));
  }
  async function refresh() {
    try {
      const s = await call("/api/state");
      const net = $("net"); net.textContent = s.online ? T.online : T.offline; net.className = "badge " + (s.online ? "ok" : "bad");
      const q = $("queued"); q.textContent = `${T.queued} ${s.queued}`; q.className = "badge " + (s.queued ? "warn" : "");
      const d = $("dead"); d.textContent = `${T.dead} ${s.dead}`; d.className = "badge " + (s.dead ? "bad" : "");
      $("shift").textContent = s.shift === "open" ? T.shiftOpen : T.shiftClosed;
      $("pending").textContent = s.pending.map((p) => `${T.pending}: ${p.order_no}`).join(" · ");
    } catch (e) { $("net").textContent = T.offline; $("net").className = "badge bad"; }
  }
  async function addLine(text) {
    let quantity = 1, code = text;
    const star = text.indexOf("*");
    if (star > 0) { quantity = parseInt(text.slice(0, star), 10); code = text.slice(star + 1); }
    if (!(quantity > 0)) { say("数量无效 / bad quantity"); return; }
    const item = await call("/api/lookup?code=" + encodeURIComponent(code));
    const same = cart.find((l) => l.sku === item.sku);
    if (same) same.quantity += quantity; else cart.push({ sku: item.sku, name: item.name, price_fen: item.price_fen, quantity });
    say(`${item.name} × ${quantity}`, true); draw();
  }
  function due() { return Math.max(0, subtotal() - (coupon ? coupon.discount_fen : 0)); }
  async function complete(authCode) {
    if (!cart.length) { say(T.emptyCart); return; }
    const electronic = tenders.length ? tenders.some((t) => t.method !== "cash") : METHODS[method] !== "cash";
    if (electronic && authCode === undefined) { setMode("auth"); return; }
    const result = await call("/api/sales", {
      lines: cart.map((l) => ({ code: l.sku, quantity: l.quantity })), method: METHODS[method], member, tenders,
      discount_fen: coupon ? coupon.discount_fen : 0, coupon_code: coupon ? coupon.code : "", auth_code: authCode || "",
    });
    say(result.status === "done" ? `${T.done} · ${result.order_no}` : `${T.pending} · ${result.order_no}`, true);
    cart = []; member = null; coupon = null; method = 0; tenders = []; setMode("sku"); draw(); refresh();
  }
  async function addTender(text) {
    const taken = tenders.reduce((s, t) => s + t.amount_fen, 0);
    if (!text) { if (due() > taken) tenders.push({ method: "cash", amount_fen: due() - taken }); }
    else {
      const [n, amount] = text.split(/\s+/); const m = METHODS[parseInt(n, 10) - 1];
      const fen = Math.round(parseFloat(amount) * 100);
      if (!m || !(fen > 0) || fen > due() - taken) { say("分单金额无效 / bad split amount"); return; }
      const same = tenders.find((t) => t.method === m); if (same) same.amount_fen += fen; else tenders.push({ method: m, amount_fen: fen });
    }
    draw();
    if (tenders.reduce((s, t) => s + t.amount_fen, 0) === due()) await complete(); else setMode("split");
  }
  async function submit(text) {
    if (mode === "sku") { if (text) await addLine(text); else if (cart.length) setMode("pay"); else say(T.emptyCart); return; }
    if (mode === "pay") { await complete(); return; }
    if (mode === "auth") { await complete(text); return; }
    if (mode === "split") { await addTender(text); return; }
    if (!text) { setMode("sku"); return; }
    if (mode === "member") { member = await call("/api/member", { code: text }); say(`${T.member} ${member.member_no}`, true); }
    if (mode === "coupon") {
      const q = await call("/api/coupon", { code: text, subtotal_fen: subtotal(), member_id: member ? member.member_id : null });
      if (!q.ok) throw new Error(q.message); coupon = { code: text, discount_fen: q.discount_fen };
    }
    if (mode === "refund") {
      const [orderNo, amount] = text.split(/\s+/);
      const body = { order_no: orderNo }; if (amount) body.amount_fen = Math.round(parseFloat(amount) * 100);
      const r = await call("/api/refunds", body); say(`${T.refunded} ${yuan(r.amount_fen)} → ${r.method}`, true);
    }
    if (mode === "reprint") { const r = await call("/api/reprint", { order_no: text }); say(`${r.order_no} ✓`, true); }
    setMode("sku"); draw(); refresh();
  }
  entry.addEventListener("keydown", async (ev) => {
    const keys = { F2: "member", F3: "coupon", F4: "refund", F6: "reprint" };
    try {
      if (ev.key === "Enter") { ev.preventDefault(); const text = entry.value.trim(); entry.value = ""; await submit(text); }
      else if (keys[ev.key]) { ev.preventDefault(); setMode(keys[ev.key]); }
      else if (ev.key === "Escape") { ev.preventDefault(); tenders = []; draw(); setMode("sku"); say("", true); }
      else if (ev.key === "F7" && cart.length) { ev.preventDefault(); tenders = []; draw(); setMode("split"); }
      else if (ev.key === "F8") { ev.preventDefault(); location.href = "/dead" + (lang === "en" ? "?lang=en" : ""); }
      else if (ev.key === "F9") { ev.preventDefault(); await call("/api/shift/close", {}); say(T.closed, true); refresh(); }
      else if (mode === "pay" && /^[1-5]$/.test(ev.key)) { ev.preventDefault(); method = +ev.key - 1; draw(); }
      else if (mode === "sku" && entry.value === "" && (ev.key === "+" || ev.key === "-") && cart.length) {
        ev.preventDefault(); const last = cart[cart.length - 1]; last.quantity = Math.max(1, last.quantity + (ev.key === "+" ? 1 : -1)); draw();
      } else if (mode === "sku" && entry.value === "" && ev.key === "Delete") { ev.preventDefault(); cart.pop(); draw(); }
    } catch (e) { say(String(e.message || e)); }
  });
  document.querySelectorAll("[data-t]").forEach((el) => { if (T[el.dataset.t]) el.textContent = T[el.dataset.t]; });
  if (lang === "en") $("keys").textContent = "Enter add / pay · 1–5 method · F2 member · F3 coupon · F4 refund · F6 reprint · F7 split payment · F8 refused sales · F9 close shift · Del remove last · +/− qty · Esc cancel";
  draw(); refresh(); setInterval(refresh, 2000); entry.focus();
})();
