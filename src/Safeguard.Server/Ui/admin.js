// Safeguard operator dashboard: sign-in, navigation and shared helpers. Server text goes in with textContent only.
"use strict";
const SG = {};
SG.$ = (id) => document.getElementById(id);

/** Every request carries the UI's header and the session cookie; a failure keeps its HTTP status. */
SG.api = async function (method, url, body) {
  const opts = { method, headers: { "X-Safeguard-UI": "1" }, credentials: "same-origin" };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const r = await fetch(url, opts);
  const type = r.headers.get("content-type") || "";
  const data = type.includes("json") ? await r.json() : null;
  if (!r.ok && !(data && "ok" in data)) {
    const e = new Error((data && (data.detail || data.error)) || ("HTTP " + r.status));
    e.status = r.status;
    throw e;
  }
  return data;
};

/** A new element with text (never markup) and optional attributes. */
SG.el = function (tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
};

/** A table row; cells are text or elements; the columns listed in numeric are right-aligned. */
SG.row = function (cells, numeric) {
  const tr = document.createElement("tr");
  cells.forEach((c, i) => {
    const td = document.createElement("td");
    if (c instanceof Node) td.append(c); else td.textContent = c === null || c === undefined ? "" : String(c);
    if (numeric && numeric.includes(i)) td.className = "num";
    tr.append(td);
  });
  return tr;
};

SG.time = (iso) => iso ? iso.replace("T", " ").replace(/\.\d+/, "").replace(/(\+00:00|Z)$/, "") : "";
SG.showError = (id, e) => { SG.$(id).textContent = e ? e.message : ""; };

const panels = { "stats-panel": () => SG.loadStats(), "banks-panel": () => SG.loadBanks(), "index-panel": () => SG.loadIndex(),
  "keys-panel": () => SG.loadKeys(), "audit-panel": () => SG.loadAudit(), "crawl-panel": () => SG.loadCrawl() };

function showOnly(id) { for (const p of ["signin-panel", "needs-admin", "dashboard"]) SG.$(p).hidden = p !== id; }

/** Opens a panel (from the tab or the address's #fragment) and loads its data. */
SG.open = function (panel) {
  if (!panels[panel]) panel = "stats-panel";
  for (const p of Object.keys(panels)) SG.$(p).hidden = p !== panel;
  for (const a of document.querySelectorAll("#tabs a"))
    if (a.dataset.panel === panel) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  return panels[panel]();
};

function panelFromHash() { return (location.hash.slice(1) || "stats") + "-panel"; }

function signedIn(name, roles) {
  SG.$("who").textContent = "Signed in: " + name + (roles.length ? " (" + roles.join(", ") + ")" : "");
  SG.$("signout").hidden = false;
  if (!roles.includes("admin")) {
    SG.$("needs-admin-roles").textContent = roles.length ? " (its roles: " + roles.join(", ") + ")" : "";
    showOnly("needs-admin");
    return;
  }
  showOnly("dashboard");
  SG.open(panelFromHash());
}

async function signIn(ev) {
  ev.preventDefault();
  SG.showError("signin-error", null);
  try {
    const r = await SG.api("POST", "/ui/session", { key: SG.$("key").value });
    SG.$("key").value = "";
    signedIn(r.reviewer, r.roles);
  } catch (e) { SG.showError("signin-error", e); }
}

async function signOut() {
  try { await SG.api("DELETE", "/ui/session"); } catch (e) { /* signed out either way */ }
  SG.$("who").textContent = "";
  SG.$("signout").hidden = true;
  showOnly("signin-panel");
}

/** A session from earlier (or the review console) is reused: the settings route names the key, keys list needs admin. */
async function resume() {
  try {
    await SG.api("GET", "/v1/keys");
    const me = await SG.api("GET", "/v1/review/settings");
    signedIn(me.reviewer, ["admin"]);
  } catch (e) {
    if (e.status === 403) {
      let name = "this key";
      try { name = (await SG.api("GET", "/v1/review/settings")).reviewer; } catch (ignored) { /* not a reviewer either */ }
      signedIn(name, []);
    } else showOnly("signin-panel");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  SG.$("signin-form").addEventListener("submit", signIn);
  SG.$("signout").addEventListener("click", signOut);
  SG.$("needs-admin-signout").addEventListener("click", signOut);
  window.addEventListener("hashchange", () => { if (!SG.$("dashboard").hidden) SG.open(panelFromHash()); });
  resume();
});
