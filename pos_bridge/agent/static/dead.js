// The supervisor's dead-letter page: view a refused sale, correct its SKU codes and quantities and resend it,
// or discard it with a reason. Keyboard only: arrows choose, Enter opens, F5 resends, F7 discards, Esc goes back.
"use strict";
(function () {
  const lang = document.documentElement.dataset.lang;
  const T = {
    zh: { title: "主管：上传失败待处理", back: "返回收银（Esc）", pin: "主管密码", order: "单号", seq: "序号",
      error: "原因", empty: "没有待处理的记录", sku: "商品编码", qty: "数量", name: "品名",
      fix: "改正并重发（F5）", reason: "作废原因", discard: "作废（F7）", resent: "已重新排队上传",
      discarded: "已作废", needReason: "请先填写作废原因", sale: "销售", refund: "退款",
      keys: "↑↓ 选择 · Enter 打开 · Tab 切换输入框 · F5 改正并重发 · F7 作废（先填原因）· Esc 返回" },
    en: { title: "Supervisor: sales the store refused", back: "Back to the till (Esc)", pin: "Supervisor PIN",
      order: "Order", seq: "No.", error: "Reason", empty: "Nothing waits for a supervisor", sku: "SKU code",
      qty: "Qty", name: "Item", fix: "Correct and resend (F5)", reason: "Reason to discard", discard: "Discard (F7)",
      resent: "Queued again", discarded: "Discarded", needReason: "Type the reason first", sale: "Sale",
      refund: "Refund", keys: "↑↓ choose · Enter open · Tab next field · F5 correct and resend · F7 discard (reason first) · Esc back" },
  }[lang];
  const $ = (id) => document.getElementById(id);
  let items = [], chosen = 0, open = null;

  function say(text, ok) { const m = $("message"); m.textContent = text; m.className = ok ? "ok" : "error"; }
  async function call(path, body) {
    const headers = { "X-Supervisor-Pin": sessionStorage.getItem("pin") || "" };
    const init = { headers };
    if (body !== undefined) { init.method = "POST"; headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    const response = await fetch(path, init);
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) { $("pin-form").hidden = false; $("pin").focus(); }
    if (!response.ok) throw new Error(data.error || (data.detail && JSON.stringify(data.detail)) || response.status);
    return data;
  }
  function drawList() {
    const body = $("list").tBodies[0];
    body.replaceChildren(...items.map((item, i) => {
      const tr = document.createElement("tr");
      tr.tabIndex = -1; tr.dataset.id = item.id; if (i === chosen) tr.className = "on";
      tr.setAttribute("aria-selected", i === chosen ? "true" : "false");
      [i + 1, `${item.kind === "sale" ? T.sale : T.refund} ${item.order_no}`, item.till_seq ?? "", item.error].forEach((v) => {
        const td = document.createElement("td"); td.textContent = v; tr.append(td);
      });
      tr.addEventListener("click", () => { chosen = i; openItem(); });
      return tr;
    }));
    $("empty").hidden = items.length > 0;
  }
  async function load() {
    items = await call("/api/dead");
    chosen = Math.min(chosen, Math.max(0, items.length - 1));
    drawList();
    if (!open) { const row = $("list").tBodies[0].rows[chosen]; if (row) row.focus(); }
  }
  function openItem() {
    open = items[chosen]; if (!open) return;
    $("editor").hidden = false;
    $("editing").textContent = `${open.kind === "sale" ? T.sale : T.refund} ${open.order_no}`;
    $("why").textContent = open.error;
    const lines = open.kind === "sale" ? open.payload.lines : [];
    $("lines").tBodies[0].replaceChildren(...lines.map((line, i) => {
      const tr = document.createElement("tr");
      const n = document.createElement("td"); n.textContent = i + 1;
      const sku = document.createElement("td"); const s = document.createElement("input");
      s.value = line.sku; s.className = "sku"; s.setAttribute("aria-label", `${T.sku} ${i + 1}`); sku.append(s);
      const qty = document.createElement("td"); const q = document.createElement("input");
      q.value = line.quantity; q.className = "qty"; q.inputMode = "numeric"; q.size = 4; q.setAttribute("aria-label", `${T.qty} ${i + 1}`); qty.append(q);
      const name = document.createElement("td"); name.textContent = line.name;
      tr.append(n, sku, qty, name); return tr;
    }));
    $("reason").value = "";
    const first = $("editor").querySelector("input.sku") || $("reason"); first.focus(); first.select?.();
  }
  function closeItem() { open = null; $("editor").hidden = true; load().catch((e) => say(String(e.message || e))); }
  async function fix() {
    if (!open) return;
    const rows = [...$("lines").tBodies[0].rows];
    const lines = rows.map((r) => ({ sku: r.querySelector(".sku").value.trim(), quantity: parseInt(r.querySelector(".qty").value, 10) }));
    const result = open.kind === "sale" ? await call(`/api/dead/${open.id}/fix`, { lines }) : await call(`/api/dead/${open.id}/resend`, {});
    say(`${T.resent}: ${result.order_no}`, true); closeItem();
  }
  async function discard() {
    if (!open) return;
    const reason = $("reason").value.trim();
    if (!reason) { say(T.needReason); $("reason").focus(); return; }
    const result = await call(`/api/dead/${open.id}/discard`, { reason });
    say(`${T.discarded}: ${result.order_no}`, true); closeItem();
  }
  document.addEventListener("keydown", async (ev) => {
    try {
      if (ev.target.id === "pin") {
        if (ev.key === "Enter") { ev.preventDefault(); sessionStorage.setItem("pin", $("pin").value); $("pin-form").hidden = true; await load(); }
        return;
      }
      if (ev.key === "Escape") { ev.preventDefault(); if (open) closeItem(); else location.href = "/" + location.search; return; }
      if (ev.key === "F5") { ev.preventDefault(); await fix(); return; }
      if (ev.key === "F7") { ev.preventDefault(); if (document.activeElement.id !== "reason" && !$("reason").value) { $("reason").focus(); say(T.needReason); } else await discard(); return; }
      if (open) { if (ev.key === "Enter") { ev.preventDefault(); if (ev.target.id === "reason") await discard(); else await fix(); } return; }
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault(); chosen = Math.max(0, Math.min(items.length - 1, chosen + (ev.key === "ArrowDown" ? 1 : -1)));
        drawList(); const row = $("list").tBodies[0].rows[chosen]; if (row) row.focus();
      } else if (ev.key === "Enter") { ev.preventDefault(); openItem(); }
    } catch (e) { say(String(e.message || e)); }
  });
  $("fix").addEventListener("click", () => fix().catch((e) => say(String(e.message || e))));
  $("discard").addEventListener("click", () => discard().catch((e) => say(String(e.message || e))));
  document.querySelectorAll("[data-t]").forEach((el) => { if (T[el.dataset.t]) el.textContent = T[el.dataset.t]; });
  if (lang === "en") $("back").href = "/?lang=en";
  load().catch((e) => say(String(e.message || e)));
})();
