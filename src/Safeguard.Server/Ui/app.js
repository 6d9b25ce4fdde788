// Safeguard review UI. All server text is inserted with textContent (never innerHTML).
"use strict";
const $ = (id) => document.getElementById(id);
let current = null;
let previewUrl = null;

async function api(method, url, body) {
  const opts = { method, headers: { "X-Safeguard-UI": "1" }, credentials: "same-origin" };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const r = await fetch(url, opts);
  const type = r.headers.get("content-type") || "";
  const data = type.includes("json") ? await r.json() : null;
  if (!r.ok) throw new Error((data && data.error) || ("HTTP " + r.status));
  return data;
}

function show(panel) { for (const p of ["signin-panel", "queue-panel", "item-panel"]) $(p).hidden = !panel.includes(p); }

function fact(dl, name, value) {
  if (value === null || value === undefined || value === "") return;
  const dt = document.createElement("dt"); dt.textContent = name;
  const dd = document.createElement("dd"); dd.textContent = String(value);
  dl.append(dt, dd);
}

async function signIn(ev) {
  ev.preventDefault();
  $("signin-error").textContent = "";
  try {
    const r = await api("POST", "/ui/session", { key: $("key").value });
    $("key").value = "";
    $("who").textContent = "Signed in: " + r.reviewer;
    $("signout").hidden = false;
    await loadQueue();
  } catch (e) { $("signin-error").textContent = e.message; }
}

async function loadQueue() {
  const settings = await api("GET", "/v1/review/settings");
  $("blur").value = settings.blur_strength;
  $("who").textContent = "Signed in: " + settings.reviewer;
  $("signout").hidden = false;
  const r = await api("GET", "/v1/review/items?limit=200");
  const list = $("queue");
  list.replaceChildren();
  for (const item of r.items.filter(i => i.status === "pending" || i.status === "escalated")) {
    const li = document.createElement("li");
    li.dataset.id = item.id;
    li.className = "queue-item";
    const banks = [...new Set(item.matches.map(m => m.bank))].join(", ");
    li.textContent = "#" + item.id + " " + item.kind + " " + (item.file_name || "") + (banks ? " [" + banks + "]" : "") + " (" + item.status + ")";
    li.addEventListener("click", () => openItem(item.id));
    list.append(li);
  }
  show(["queue-panel"]);
}

async function openItem(id) {
  const item = await api("GET", "/v1/review/items/" + id);
  current = item;
  $("item-title").textContent = "Item #" + item.id + " (" + item.kind + ", " + item.status + ")";
  const dl = $("item-facts"); dl.replaceChildren();
  fact(dl, "File name", item.file_name);
  fact(dl, "Media shown", item.media_note);
  fact(dl, "Size", item.size);
  fact(dl, "PDQ", item.pdq);
  fact(dl, "MD5", item.md5);
  for (const m of item.matches) fact(dl, "Match", m.bank + " " + m.signal_type + (m.tmk_level1 != null ? " level 1 " + m.tmk_level1.toFixed(3) + (m.tmk_level2 != null ? ", level 2 " + m.tmk_level2.toFixed(3) : "") : " distance " + m.distance) + (m.content_id ? " (" + m.content_id + ")" : "") + (m.verified ? " verified list" : ""));
  fact(dl, "Note", item.note);
  fact(dl, "Submitted with note", item.submission_note);
  clearPreview();
  $("no-view").hidden = !item.verified_exact;
  if (item.has_media && !item.verified_exact) {
    await showMedia(item.id, "GET", "/v1/review/items/" + item.id + "/media", "blurred", "blurred greyscale preview");
    $("unblur").hidden = false;
  }
  const ev = $("evidence");
  ev.hidden = !item.conversation;
  ev.textContent = item.conversation ? JSON.stringify(item.conversation.evidence_messages, null, 2) : "";
  showPayments(item.kind === "payments-subject" ? item.payments_subject : null);
  $("decision-result").textContent = "";
  await loadAudit(item.id);
  show(["queue-panel", "item-panel"]);
}

// A payments subject: its level and indicators, the network as an SVG drawn here, and the timeline. No media.
const LEVEL_COLOURS = { none: "#c8c8c8", low: "#9fd39f", medium: "#ffd166", high: "#f4842b", critical: "#d62828" };
const SVG_NS = "http://www.w3.org/2000/svg";

function cell(tr, text, cls) { const td = document.createElement("td"); td.textContent = String(text); if (cls) td.className = cls; tr.append(td); }

function rows(tableId, list, fill) {
  const body = $(tableId).querySelector("tbody"); body.replaceChildren();
  for (const x of list) { const tr = document.createElement("tr"); fill(tr, x); body.append(tr); }
}

function showPayments(view) {
  const box = $("payments-box");
  box.hidden = !view;
  $("payments-network").replaceChildren();
  if (!view) return;
  const s = view.subject;
  const dl = $("payments-facts"); dl.replaceChildren();
  fact(dl, "Account", s.subject);
  fact(dl, "Role", s.role);
  fact(dl, "Level", s.level);
  fact(dl, "Score", s.score);
  fact(dl, "Country", s.country);
  fact(dl, "First seen", s.first_seen);
  fact(dl, "Last seen", s.last_seen);
  rows("payments-indicators", s.indicators, (tr, h) => {
    tr.className = "indicator";
    cell(tr, h.name); cell(tr, h.strength); cell(tr, h.detail);
    cell(tr, h.transactions.join(" ") + (h.count > h.transactions.length ? " (" + h.count + " in all)" : ""), "ids");
  });
  rows("payments-months", view.timeline.months, (tr, m) => { cell(tr, m.month); cell(tr, m.count); cell(tr, m.amount); });
  rows("payments-flows", view.timeline.flows, (tr, f) => {
    cell(tr, f.first); cell(tr, f.last); cell(tr, f.counterparty); cell(tr, f.direction); cell(tr, f.count); cell(tr, f.amount);
    cell(tr, f.transactions.join(" "), "ids");
  });
  $("payments-network").append(networkSvg(view.network));
}

function svg(name, attrs, parent) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.append(e);
  return e;
}

function networkSvg(network) {
  const size = 640, mid = size / 2, radius = [0, 170, 280];
  const root = svg("svg", { id: "network-chart", width: size, height: size, viewBox: "0 0 " + size + " " + size, role: "img" });
  svg("title", {}, root).textContent = "Payments network around " + network.center;
  const pos = new Map();
  for (const depth of [0, 1, 2]) {
    const ring = network.nodes.filter(n => n.depth === depth);
    ring.forEach((n, i) => {
      const a = 2 * Math.PI * i / Math.max(1, ring.length) - Math.PI / 2 + (depth === 2 ? Math.PI / Math.max(1, ring.length) : 0);
      pos.set(n.id, { x: mid + radius[depth] * Math.cos(a), y: mid + radius[depth] * Math.sin(a) });
    });
  }
  const max = Math.max(1, ...network.edges.map(e => e.amount));
  const edges = svg("g", { class: "edges" }, root);
  for (const e of network.edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) continue;
    const line = svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: "#555", "stroke-opacity": 0.6,
      "stroke-width": (1 + 9 * Math.sqrt(e.amount / max)).toFixed(2), class: "flow" }, edges);
    svg("title", {}, line).textContent = e.from + " \u2192 " + e.to + ": " + e.count + " payments, " + e.amount + " (" + e.first + " to " + e.last + ")";
  }
  const nodes = svg("g", { class: "nodes" }, root);
  for (const n of network.nodes) {
    const p = pos.get(n.id);
    const g = svg("g", { class: "node", "data-level": n.level, "data-depth": n.depth }, nodes);
    svg("circle", { cx: p.x, cy: p.y, r: n.depth === 0 ? 16 : 10, fill: LEVEL_COLOURS[n.level] || LEVEL_COLOURS.none, stroke: n.depth === 0 ? "#000" : "#444",
      "stroke-width": n.depth === 0 ? 3 : 1 }, g);
    svg("title", {}, g).textContent = n.id + (n.role ? " (" + n.role + ", " + n.level + ", " + n.score + ")" : "") + (n.country ? " " + n.country : "");
    const label = svg("text", { x: p.x, y: p.y + (n.depth === 0 ? 30 : 22), "text-anchor": "middle", "font-size": n.depth === 2 ? 9 : 11 }, g);
    label.textContent = n.id.length > 18 ? n.id.slice(0, 17) + "\u2026" : n.id;
  }
  return root;
}

function clearPreview() {
  const img = $("preview");
  img.hidden = true; img.removeAttribute("src"); delete img.dataset.view;
  if (previewUrl) { URL.revokeObjectURL(previewUrl); previewUrl = null; }
  $("unblur").hidden = true;
  $("media-error").textContent = "";
}

// Media comes through fetch with the UI's header (views are audited; no other page can send it) and is shown from a blob URL.
async function showMedia(id, method, url, view, alt) {
  try {
    const r = await fetch(url, { method, headers: { "X-Safeguard-UI": "1" }, credentials: "same-origin" });
    if (!r.ok) {
      const type = r.headers.get("content-type") || "";
      throw new Error((type.includes("json") && (await r.json()).error) || ("HTTP " + r.status));
    }
    const blob = await r.blob();
    if (!current || current.id !== id) return; // another item was opened meanwhile
    clearPreview();
    previewUrl = URL.createObjectURL(blob);
    const img = $("preview");
    img.src = previewUrl; img.alt = alt; img.dataset.view = view; img.hidden = false;
  } catch (e) { $("media-error").textContent = "Media: " + e.message; }
}

async function unblur() {
  if (!current) return;
  const id = current.id;
  $("unblur").hidden = true;
  await showMedia(id, "POST", "/v1/review/items/" + id + "/media/clear", "clear", "clear image");
}

async function decide(ev) {
  ev.preventDefault();
  if (!current) return;
  try {
    const body = { decision: $("decision").value, category: $("category").value || null, note: $("note").value || null,
                   suppress: $("suppress").checked, preserve: $("preserve").checked };
    const r = await api("POST", "/v1/review/items/" + current.id + "/decision", body);
    $("decision-result").textContent = "Recorded: " + r.status;
    clearPreview();
    await loadAudit(current.id);
  } catch (e) { $("decision-result").textContent = "Error: " + e.message; }
}

async function loadAudit(id) {
  const r = await api("GET", "/v1/audit?target=item:" + id + "&limit=200");
  const ol = $("audit"); ol.replaceChildren();
  for (const e of r.entries) {
    const li = document.createElement("li");
    li.className = "audit-entry";
    li.textContent = e.at + " " + e.actor + " " + e.action + (e.detail ? " " + e.detail : "");
    ol.append(li);
  }
}

async function saveBlur() { await api("PUT", "/v1/review/settings", { blur_strength: Number($("blur").value) }); }

async function signOut() { await api("DELETE", "/ui/session"); $("who").textContent = ""; $("signout").hidden = true; show(["signin-panel"]); }

document.addEventListener("DOMContentLoaded", () => {
  $("signin-form").addEventListener("submit", signIn);
  $("refresh").addEventListener("click", loadQueue);
  $("unblur").addEventListener("click", unblur);
  $("decision-form").addEventListener("submit", decide);
  $("save-blur").addEventListener("click", saveBlur);
  $("signout").addEventListener("click", signOut);
  loadQueue().catch(() => show(["signin-panel"]));
});
