// Review console: shared state and the API client. Every server text is inserted with textContent (never innerHTML).
"use strict";
const $ = (id) => document.getElementById(id);
const state = {
  settings: null,     // GET /v1/review/settings: blur, exposure, break and claim settings
  rows: [],           // the queue page as shown
  current: null,      // the open item
  selected: new Set(),// verified exact items picked for a batch confirmation
  sessionClearViews: 0,
};

async function api(method, url, body) {
  const opts = { method, headers: { "X-Safeguard-UI": "1" }, credentials: "same-origin" };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const r = await fetch(url, opts);
  const type = r.headers.get("content-type") || "";
  const data = type.includes("json") ? await r.json() : null;
  if (!r.ok) { const e = new Error((data && (data.error || data.detail)) || ("HTTP " + r.status)); e.status = r.status; throw e; }
  return data;
}

function fact(dl, name, value) {
  if (value === null || value === undefined || value === "") return;
  const dt = document.createElement("dt"); dt.textContent = name;
  const dd = document.createElement("dd"); dd.textContent = String(value);
  dl.append(dt, dd);
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

// "3 min ago", "2 h ago": how long an item has waited.
function age(iso) {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 90) return Math.round(s) + " s";
  if (s < 5400) return Math.round(s / 60) + " min";
  if (s < 172800) return Math.round(s / 3600) + " h";
  return Math.round(s / 86400) + " d";
}

// The name part of an actor "key:ID:NAME".
function actorName(actor) { const p = (actor || "").split(":"); return p.length >= 3 ? p.slice(2).join(":") : actor; }
