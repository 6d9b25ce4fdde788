// The item view: match evidence first, media only as the reviewer asks, the claim, the decision and the audit trail.
"use strict";
const CATEGORIES = ["UK-A", "UK-B", "UK-C", "VICS-0", "VICS-1", "VICS-2", "VICS-3", "VICS-4"];

async function openItem(id) {
  let item;
  try { item = await api("GET", "/v1/review/items/" + id); } catch (e) { $("queue-error").textContent = "Item: " + e.message; return; }
  const previous = state.current;
  if (previous && previous.id !== id && previous.claimed_by === state.settings.actor && (previous.status === "pending" || previous.status === "escalated"))
    api("POST", "/v1/review/items/" + previous.id + "/release").catch(() => {});
  state.current = item;
  const row = state.rows.find(r => r.id === id || (r.group_ids || []).includes(id));
  for (const li of document.querySelectorAll("#queue li.queue-item")) li.classList.toggle("active", Number(li.dataset.id) === (row ? row.id : id));
  $("item-empty").hidden = true;
  $("item-body").hidden = false;
  $("item-title").textContent = "Item #" + item.id + " (" + item.kind + ", " + item.status + ")";
  showEvidence(item);
  clearPreview();
  $("media-box").hidden = !item.has_media;
  $("no-view").hidden = !item.verified_exact;
  $("media-note").textContent = item.media_note ? "Video: the matched frame is held, shown here (" + item.media_note + ")" +
    (item.has_keyframes ? "; below it, frames spread over the video." : ".") + " There is never sound." : "";
  $("show-media").hidden = !(item.has_media && item.verified_exact);
  showConversation(item.kind === "conversation" ? item.conversation : null);
  showPayments(item.kind === "payments-subject" ? item.payments_subject : null);
  const dupes = row && row.group_count > 1 ? row.group_ids.length : 0;
  $("group-label").hidden = dupes < 2;
  $("group-text").textContent = "Apply to all " + dupes + " duplicates (same hash)";
  $("decision-result").textContent = "";
  await claim(item);
  if (item.has_media && !item.verified_exact) await showBlurred();
  if (item.has_keyframes && !item.verified_exact) await showKeyframes(item.id);
  await loadAudit(item.id);
}

// What matched: bank, list, hash, distance and the bank entry's category and content id, before any media.
function showEvidence(item) {
  const dl = $("item-facts"); dl.replaceChildren();
  fact(dl, "Severity", item.severity + (item.verified_exact ? " (verified exact hit)" : ""));
  fact(dl, "Waiting", age(item.created_at) + " (since " + item.created_at.replace("T", " ").slice(0, 19) + " UTC)");
  fact(dl, "Source", actorName(item.created_by));
  if (item.sightings > 1) fact(dl, "Seen", item.sightings + " times (the same file or hash again while this item waits)");
  fact(dl, "File name", item.file_name);
  fact(dl, "Size", item.size);
  fact(dl, "SHA-256", item.sha256);
  fact(dl, "MD5", item.md5);
  fact(dl, "PDQ", item.pdq);
  fact(dl, "Submitted with note", item.submission_note);
  fact(dl, "Decision note", item.note);
  const table = $("match-table");
  table.hidden = item.matches.length === 0;
  const body = table.querySelector("tbody"); body.replaceChildren();
  for (const m of item.matches) {
    const tr = document.createElement("tr");
    const score = m.tmk_level1 != null ? "TMK level 1 " + m.tmk_level1.toFixed(3) + (m.tmk_level2 != null ? ", level 2 " + m.tmk_level2.toFixed(3) : "")
      : m.distance === 0 ? "0 (exact)" : String(m.distance);
    const category = [m.grade, m.category != null ? "VICS-" + m.category : null].filter(Boolean).join(", ");
    for (const [text, cls] of [[m.bank, ""], [m.verified ? "verified" : "unverified", m.verified ? "ok" : ""], [m.signal_type + " " + shortHash(m.entry_value), "ids"],
      [score + (m.frame_seconds != null ? " at " + m.frame_seconds + " s" : ""), ""], [category || "\u2014", ""], [m.content_id || "\u2014", "ids"]]) {
      const td = el("td", text, cls); tr.append(td);
    }
    body.append(tr);
  }
}

function shortHash(h) { return h && h.length > 20 ? h.slice(0, 16) + "\u2026" : (h || ""); }

// Opening an item claims it, so two reviewers never work the same one; someone else's claim is shown and decisions are refused by the server.
async function claim(item) {
  const status = $("claim-status");
  status.className = "claim";
  if (!(item.status === "pending" || item.status === "escalated")) { status.textContent = "Decided: " + item.status + (item.decided_by ? " by " + actorName(item.decided_by) : ""); return; }
  try {
    const r = await api("POST", "/v1/review/items/" + item.id + "/claim");
    state.current.claimed_by = r.claimed_by;
    status.textContent = "Claimed by you until " + new Date(r.claimed_until).toLocaleTimeString();
  } catch (e) {
    status.className = "claim taken";
    status.textContent = e.status === 409 ? "Someone else is working on this item: " + e.message : "Claim: " + e.message;
  }
}

async function decide(ev) {
  if (ev) ev.preventDefault();
  const item = state.current;
  if (!item) return;
  try {
    const body = { decision: $("decision").value, category: $("category").value || null, note: $("note").value || null,
                   suppress: $("suppress").checked, preserve: $("preserve").checked, group: !$("group-label").hidden && $("group-decision").checked };
    const r = await api("POST", "/v1/review/items/" + item.id + "/decision", body);
    $("decision-result").textContent = "Recorded: " + r.status + (r.group_ids && r.group_ids.length > 1 ? " for " + r.group_ids.length + " items" : "");
    state.current = r;
    $("item-title").textContent = "Item #" + r.id + " (" + r.kind + ", " + r.status + ")";
    $("claim-status").textContent = "Decided: " + r.status;
    clearPreview();
    $("note").value = "";
    await Promise.all([loadAudit(item.id), loadQueue(), refreshExposure()]);
  } catch (e) { $("decision-result").textContent = "Error: " + e.message; }
}

// Keyboard decisions: c, f and e set the decision and record it.
function decideWith(outcome) {
  if (!state.current) return;
  $("decision").value = outcome;
  if (outcome === "confirmed" && !$("category").value && state.current.kind !== "payments-subject") {
    $("decision-result").textContent = "Choose a category first (keys 1 to 8).";
    return;
  }
  decide();
}

function setCategory(n) { if (CATEGORIES[n - 1]) $("category").value = CATEGORIES[n - 1]; }

async function loadAudit(id) {
  const r = await api("GET", "/v1/audit?target=item:" + id + "&limit=200");
  if (!state.current || state.current.id !== id) return;
  const ol = $("audit"); ol.replaceChildren();
  for (const e of r.entries) {
    const li = el("li", e.at + " " + e.actor + " " + e.action + (e.detail ? " " + e.detail : ""), "audit-entry");
    ol.append(li);
  }
}

function wireItem() { $("decision-form").addEventListener("submit", decide); }
