// Wellness: the exposure meter, a suggested break after N clear views or M minutes, and a summary at sign-out.
// Each suggestion, and what the reviewer chose, is recorded in the audit log.
"use strict";
const SESSION_KEY = "safeguard-session-start";

function sessionStart() {
  let s = sessionStorage.getItem(SESSION_KEY);
  if (!s) { s = new Date().toISOString(); sessionStorage.setItem(SESSION_KEY, s); }
  return s;
}

function renderExposure() {
  const s = state.settings;
  if (!s) return;
  $("exposure").hidden = false;
  const meter = $("exposure-meter");
  const cap = s.max_clear_views_per_day;
  meter.max = cap > 0 ? cap : Math.max(1, s.clear_views_24h);
  meter.low = cap > 0 ? Math.round(cap * 0.6) : meter.max; meter.high = cap > 0 ? Math.round(cap * 0.85) : meter.max;
  meter.value = s.clear_views_24h;
  $("exposure-text").textContent = s.clear_views_24h + " / " + (cap > 0 ? cap : "no cap");
}

async function refreshExposure() {
  state.settings = await api("GET", "/v1/review/settings");
  renderExposure();
}

let breakSuggestedAt = 0;   // clear views in this session when a break was last suggested
let lastBreak = Date.now(); // when work (re)started

async function afterClearView() {
  state.sessionClearViews++;
  await refreshExposure();
  const n = state.settings.break_after_views;
  if (n > 0 && state.sessionClearViews - breakSuggestedAt >= n) suggestBreak(state.sessionClearViews + " clear views this session");
}

function checkWorkTime() {
  const m = state.settings ? state.settings.break_after_minutes : 0;
  if (m > 0 && !$("console").hidden && Date.now() - lastBreak >= m * 60000) suggestBreak(m + " minutes of work");
}

function suggestBreak(why) {
  if (!$("break-overlay").hidden || !$("break-screen").hidden) return;
  breakSuggestedAt = state.sessionClearViews;
  lastBreak = Date.now();
  $("break-text").textContent = "You have had " + why + ". A short break helps.";
  $("break-overlay").hidden = false;
  $("break-take").focus();
  api("POST", "/v1/review/wellness", { event: "break_suggested", detail: why }).catch(() => {});
}

function takeBreak() {
  $("break-overlay").hidden = true;
  $("break-screen").hidden = false;
  $("console").classList.add("resting");
  $("break-end").focus();
  api("POST", "/v1/review/wellness", { event: "break_taken" }).catch(() => {});
}

function endBreak() {
  $("break-screen").hidden = true;
  $("console").classList.remove("resting");
  lastBreak = Date.now();
}

function dismissBreak() {
  $("break-overlay").hidden = true;
  api("POST", "/v1/review/wellness", { event: "break_dismissed" }).catch(() => {});
}

// Sign-out: what the session held (decisions, clear views, time), then the session ends.
async function signOut() {
  try {
    const s = await api("GET", "/v1/review/session-summary?since=" + encodeURIComponent(sessionStart()));
    const dl = $("summary-facts"); dl.replaceChildren();
    fact(dl, "Time", Math.round(s.minutes) + " minutes");
    fact(dl, "Items decided", s.decisions);
    fact(dl, "Clear views", s.clear_views);
    fact(dl, "Blurred views", s.blurred_views);
    fact(dl, "Breaks taken", s.breaks_taken);
    $("summary-panel").hidden = false;
    await api("POST", "/v1/review/wellness", { event: "session_summary", detail: s.decisions + " decisions, " + s.clear_views + " clear views, " + Math.round(s.minutes) + " min" });
  } catch (e) { $("summary-panel").hidden = true; }
  // The open item goes back to the queue for others.
  const open = state.current;
  if (open && state.settings && open.claimed_by === state.settings.actor && (open.status === "pending" || open.status === "escalated"))
    await api("POST", "/v1/review/items/" + open.id + "/release").catch(() => {});
  await api("DELETE", "/ui/session");
  sessionStorage.removeItem(SESSION_KEY);
  $("who").textContent = ""; $("signout").hidden = true; $("help").hidden = true; $("exposure").hidden = true;
  state.current = null; state.rows = []; state.selected.clear();
  clearPreview();
  $("item-body").hidden = true; $("item-empty").hidden = false;
  $("console").hidden = true; $("signin-panel").hidden = false;
}

function wireWellness() {
  $("break-take").addEventListener("click", takeBreak);
  $("break-dismiss").addEventListener("click", dismissBreak);
  $("break-end").addEventListener("click", endBreak);
  $("signout").addEventListener("click", signOut);
  setInterval(checkWorkTime, 15000);
}
