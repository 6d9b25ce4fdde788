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
  for (const m of item.matches) fact(dl, "Match", m.bank + " " + m.signal_type + " distance " + m.distance + (m.content_id ? " (" + m.content_id + ")" : "") + (m.verified ? " verified list" : ""));
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
  $("decision-result").textContent = "";
  await loadAudit(item.id);
  show(["queue-panel", "item-panel"]);
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
