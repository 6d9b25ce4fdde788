// The queue: filters and order are the server's (GET /v1/review/items), duplicates grouped into one row.
"use strict";

function queueUrl() {
  const p = new URLSearchParams({ limit: "200", status: $("f-status").value, sort: $("f-sort").value });
  if ($("f-group").checked) p.set("group", "true");
  for (const [id, name] of [["f-kind", "kind"], ["f-bank", "bank"], ["f-category", "category"], ["f-source", "source"], ["f-assignee", "assignee"]])
    if ($(id).value.trim()) p.set(name, $(id).value.trim());
  const ageFilter = $("f-age").value;
  if (ageFilter) { const [k, v] = ageFilter.split("="); p.set(k, v); }
  return "/v1/review/items?" + p.toString();
}

async function loadQueue() {
  $("queue-error").textContent = "";
  try {
    const r = await api("GET", queueUrl());
    state.rows = r.items;
    renderQueue();
  } catch (e) { $("queue-error").textContent = "Queue: " + e.message; }
}

function rowSummary(item) {
  const banks = [...new Set(item.matches.map(m => m.bank))].join(", ");
  return "#" + item.id + " " + item.kind + " " + (item.file_name || "") + (banks ? " [" + banks + "]" : "") + " (" + item.status + ")";
}

function renderQueue() {
  const list = $("queue");
  list.replaceChildren();
  for (const s of [...state.selected]) if (!state.rows.some(i => i.id === s)) state.selected.delete(s);
  for (const item of state.rows) {
    const li = el("li", null, "queue-item");
    li.dataset.id = item.id;
    if (state.current && state.current.id === item.id) li.classList.add("active");
    if (item.verified_exact) {
      const box = document.createElement("input");
      box.type = "checkbox"; box.className = "pick"; box.checked = state.selected.has(item.id);
      box.setAttribute("aria-label", "Select item " + item.id + " for a batch confirmation");
      box.addEventListener("click", (ev) => { ev.stopPropagation(); togglePick(item.id, box.checked); });
      li.append(box);
    }
    const main = el("button", null, "row-open");
    main.type = "button";
    main.append(el("span", rowSummary(item), "row-title"));
    const meta = el("span", null, "row-meta");
    meta.append(el("span", "severity " + item.severity, "sev sev-" + severityBand(item.severity)));
    if (item.verified_exact) meta.append(el("span", "verified exact", "tag"));
    if (item.group_count > 1) meta.append(el("span", "\u00d7" + item.group_count + " duplicates", "tag count"));
    if (item.sightings > 1) meta.append(el("span", "seen " + item.sightings + " times", "tag count"));
    if (item.claimed_by && new Date(item.claimed_until) > new Date()) meta.append(el("span", "claimed: " + actorName(item.claimed_by), "tag claim"));
    meta.append(el("span", age(item.created_at), "muted"));
    main.append(meta);
    main.addEventListener("click", () => openItem(item.id));
    li.append(main);
    list.append(li);
  }
  $("queue-count").textContent = "(" + state.rows.length + (state.rows.length === 200 ? "+" : "") + ")";
  renderBatchBar();
}

function severityBand(s) { return s >= 1000 ? "top" : s >= 600 ? "high" : s >= 300 ? "mid" : "low"; }

function togglePick(id, on) {
  if (on) state.selected.add(id); else state.selected.delete(id);
  renderBatchBar();
}

function renderBatchBar() {
  const n = state.selected.size;
  $("batch-bar").hidden = n === 0;
  $("batch-count").textContent = n + " verified exact " + (n === 1 ? "hit" : "hits") + " selected";
  for (const box of document.querySelectorAll("#queue .pick")) box.checked = state.selected.has(Number(box.closest("li").dataset.id));
}

function selectAllVerified() {
  for (const item of state.rows) if (item.verified_exact) state.selected.add(item.id);
  renderBatchBar();
}

// Confirms the selected verified exact hits (and their duplicates) in one request; no media is fetched.
async function batchConfirm() {
  const ids = [];
  for (const item of state.rows) if (state.selected.has(item.id)) ids.push(...(item.group_ids || [item.id]));
  $("batch-result").textContent = "";
  try {
    const r = await api("POST", "/v1/review/batch-decision", { ids, category: $("batch-category").value });
    $("batch-result").textContent = "Confirmed " + r.decided.length + " items as " + r.category + ".";
    state.selected.clear();
    await loadQueue();
  } catch (e) { $("batch-result").textContent = "Error: " + e.message; }
}

// j / k: the next or previous row of the queue.
function moveInQueue(step) {
  if (state.rows.length === 0) return;
  const at = state.current ? state.rows.findIndex(i => i.id === state.current.id || (i.group_ids || []).includes(state.current.id)) : -1;
  const next = at < 0 ? (step > 0 ? 0 : state.rows.length - 1) : Math.min(state.rows.length - 1, Math.max(0, at + step));
  openItem(state.rows[next].id);
}

function wireQueue() {
  for (const id of ["f-status", "f-kind", "f-category", "f-age", "f-assignee", "f-sort", "f-group"]) $(id).addEventListener("change", loadQueue);
  for (const id of ["f-bank", "f-source"]) $(id).addEventListener("change", loadQueue);
  $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); loadQueue(); });
  $("refresh").addEventListener("click", loadQueue);
  $("batch-confirm").addEventListener("click", batchConfirm);
  $("select-verified").addEventListener("click", selectAllVerified);
  // Other reviewers' claims and new items show up without a manual refresh.
  setInterval(() => { if (!$("console").hidden && $("break-screen").hidden) loadQueue(); }, 60000);
}
