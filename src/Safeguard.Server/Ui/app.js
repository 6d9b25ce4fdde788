// Safeguard review console: sign-in, start-up and the payments subject view. All server text is inserted with textContent (never innerHTML).
// The rest is split by concern: console-api.js, console-queue.js, console-media.js, console-conversation.js, console-item.js,
// console-keys.js and console-wellness.js.
"use strict";

async function signIn(ev) {
  ev.preventDefault();
  $("signin-error").textContent = "";
  try {
    await api("POST", "/ui/session", { key: $("key").value });
    $("key").value = "";
    sessionStorage.removeItem(SESSION_KEY);
    await startConsole();
  } catch (e) { $("signin-error").textContent = e.message; }
}

async function startConsole() {
  await refreshExposure();
  sessionStart();
  $("blur").value = state.settings.blur_strength;
  $("blur-value").textContent = String(state.settings.blur_strength);
  $("who").textContent = "Signed in: " + state.settings.reviewer;
  $("signout").hidden = false;
  $("help").hidden = false;
  $("signin-panel").hidden = true;
  $("summary-panel").hidden = true;
  $("console").hidden = false;
  await loadQueue();
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

document.addEventListener("DOMContentLoaded", () => {
  $("signin-form").addEventListener("submit", signIn);
  wireQueue(); wireMedia(); wireItem(); wireKeys(); wireWellness();
  startConsole().catch(() => { $("signin-panel").hidden = false; });
});
