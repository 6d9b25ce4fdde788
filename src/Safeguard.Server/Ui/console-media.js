// Media: blurred and greyscale unless the reviewer asks for more; clear views (whole or a region) only by POST.
// Every view is audited by the server, so the audit trail is reloaded after each one.
"use strict";
let previewUrl = null;
let dragStart = null;
let region = null; // the dragged area as fractions of the image

let keyframesUrl = null;

// A video's keyframe strip: one audited GET, blurred and greyscale by the server (there is no clear view of it).
async function showKeyframes(id) {
  try {
    const blur = Number($("blur").value);
    const q = state.settings && blur && blur !== state.settings.blur_strength ? "?blur=" + blur : "";
    const r = await fetch("/v1/review/items/" + id + "/keyframes" + q, { headers: { "X-Safeguard-UI": "1" }, credentials: "same-origin" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    const blob = await r.blob();
    if (!state.current || state.current.id !== id) return;
    if (keyframesUrl) URL.revokeObjectURL(keyframesUrl);
    keyframesUrl = URL.createObjectURL(blob);
    $("keyframes").src = keyframesUrl;
    $("keyframes-box").hidden = false;
  } catch (e) { $("media-error").textContent = "Keyframes: " + e.message; }
  finally { if (state.current && state.current.id === id) loadAudit(id); }
}

function clearPreview() {
  $("keyframes-box").hidden = true;
  $("keyframes").removeAttribute("src");
  if (keyframesUrl) { URL.revokeObjectURL(keyframesUrl); keyframesUrl = null; }
  const img = $("preview");
  img.hidden = true; img.removeAttribute("src"); delete img.dataset.view;
  if (previewUrl) { URL.revokeObjectURL(previewUrl); previewUrl = null; }
  $("unblur").hidden = true;
  $("reveal-controls").hidden = true;
  $("media-controls").hidden = true;
  $("media-error").textContent = "";
  clearSelection();
}

// Media comes through fetch with the UI's header (no other page can send it) and is shown from a blob URL.
async function fetchMedia(id, method, url, view, alt, body) {
  try {
    const opts = { method, headers: { "X-Safeguard-UI": "1" }, credentials: "same-origin" };
    if (body) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    const r = await fetch(url, opts);
    if (!r.ok) {
      const type = r.headers.get("content-type") || "";
      throw new Error((type.includes("json") && (await r.json()).error) || ("HTTP " + r.status));
    }
    const blob = await r.blob();
    if (!state.current || state.current.id !== id) return false; // another item was opened meanwhile
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(blob);
    const img = $("preview");
    img.src = previewUrl; img.alt = alt; img.dataset.view = view; img.hidden = false;
    $("media-controls").hidden = false;
    $("reveal-controls").hidden = false;
    $("unblur").hidden = view === "clear";
    clearSelection();
    return true;
  } catch (e) { $("media-error").textContent = "Media: " + e.message; return false; }
  finally { if (state.current && state.current.id === id) loadAudit(id); }
}

function blurredUrl(id) {
  const p = new URLSearchParams();
  const blur = Number($("blur").value);
  if (state.settings && blur !== state.settings.blur_strength) p.set("blur", String(blur));
  if (!$("greyscale").checked) p.set("greyscale", "false");
  const q = p.toString();
  return "/v1/review/items/" + id + "/media" + (q ? "?" + q : "");
}

async function showBlurred() {
  const item = state.current;
  if (!item || !item.has_media) return;
  $("show-media").hidden = true;
  const grey = $("greyscale").checked;
  await fetchMedia(item.id, "GET", blurredUrl(item.id), "blurred", "blurred " + (grey ? "greyscale " : "colour ") + "preview");
}

async function revealAll() {
  const item = state.current;
  if (!item || !item.has_media) return;
  if (await fetchMedia(item.id, "POST", "/v1/review/items/" + item.id + "/media/clear", "clear", "clear image")) afterClearView();
}

async function revealRegion(r) {
  const item = state.current;
  if (!item || !item.has_media) return;
  const body = { x: round(r.x), y: round(r.y), width: round(r.w), height: round(r.h) };
  if (await fetchMedia(item.id, "POST", "/v1/review/items/" + item.id + "/media/clear", "region", "image with one region clear", body)) afterClearView();
}

function round(v) { return Math.round(v * 1000) / 1000; }

// A region drawn by dragging over the image; the highlight is placed through CSSOM (allowed by the CSP).
function onDragStart(ev) {
  if (ev.button !== 0) return;
  ev.preventDefault();
  dragStart = point(ev);
  region = null;
}
function onDragMove(ev) {
  if (!dragStart) return;
  const p = point(ev);
  region = { x: Math.min(dragStart.x, p.x), y: Math.min(dragStart.y, p.y), w: Math.abs(p.x - dragStart.x), h: Math.abs(p.y - dragStart.y) };
  drawSelection();
}
function onDragEnd() {
  if (!dragStart) return;
  dragStart = null;
  if (region && (region.w < 0.02 || region.h < 0.02)) clearSelection();
  $("reveal-selection").disabled = !region;
}
function point(ev) {
  const b = $("preview").getBoundingClientRect();
  return { x: Math.min(1, Math.max(0, (ev.clientX - b.left) / b.width)), y: Math.min(1, Math.max(0, (ev.clientY - b.top) / b.height)) };
}
function drawSelection() {
  const img = $("preview"), s = $("selection");
  s.hidden = !region;
  if (!region) return;
  s.style.left = (img.offsetLeft + region.x * img.clientWidth) + "px";
  s.style.top = (img.offsetTop + region.y * img.clientHeight) + "px";
  s.style.width = (region.w * img.clientWidth) + "px";
  s.style.height = (region.h * img.clientHeight) + "px";
}
function clearSelection() { region = null; dragStart = null; $("selection").hidden = true; $("reveal-selection").disabled = true; }

async function saveBlur() {
  const v = Number($("blur").value);
  await api("PUT", "/v1/review/settings", { blur_strength: v });
  state.settings.blur_strength = v;
}

function wireMedia() {
  const img = $("preview");
  img.addEventListener("mousedown", onDragStart);
  img.addEventListener("dragstart", (ev) => ev.preventDefault());
  window.addEventListener("mousemove", onDragMove);
  window.addEventListener("mouseup", onDragEnd);
  $("show-media").addEventListener("click", showBlurred);
  $("unblur").addEventListener("click", revealAll);
  $("reveal-selection").addEventListener("click", () => { if (region) revealRegion(region); });
  for (const b of document.querySelectorAll("button.quadrant"))
    b.addEventListener("click", () => { const [x, y] = b.dataset.region.split(",").map(Number); revealRegion({ x, y, w: 0.5, h: 0.5 }); });
  $("blur").addEventListener("input", () => { $("blur-value").textContent = $("blur").value; });
  $("blur").addEventListener("change", showBlurred);
  $("greyscale").addEventListener("change", showBlurred);
  $("save-blur").addEventListener("click", saveBlur);
}
