// Banks panel: banks with counts, one bank's entries paged by keyset (after=next_after), and the index status.
"use strict";
(function () {
  const PAGE = 25;
  // The "after" of each page shown so far: previous goes back one step, next follows next_after.
  let bank = null, afters = [0], nextAfter = null;

  SG.loadBanks = async function () {
    SG.showError("banks-error", null);
    try {
      const r = await SG.api("GET", "/v1/banks?limit=1000");
      const body = SG.$("banks-table").tBodies[0];
      body.replaceChildren();
      for (const b of r.banks) {
        const browse = SG.el("button", "Browse", { type: "button", "data-bank": b.name, "aria-label": "Browse the entries of " + b.name });
        browse.addEventListener("click", () => openBank(b.name));
        body.append(SG.row([b.name, b.description || "", b.verified ? "yes" : "no", b.enabled, b.disabled, SG.time(b.created_at), browse], [3, 4]));
      }
      if (r.banks.length === 0) body.append(SG.row(["No banks yet."]));
      SG.$("banks-panel").dataset.loaded = "1";
    } catch (e) { SG.showError("banks-error", e); }
  };

  function openBank(name) {
    bank = name;
    afters = [0];
    SG.$("entries-box").hidden = false;
    SG.$("entries-title").textContent = "Entries of " + name;
    return loadEntries();
  }

  async function loadEntries() {
    SG.showError("banks-error", null);
    const after = afters[afters.length - 1];
    const p = new URLSearchParams({ after: String(after), limit: String(PAGE), includeDisabled: String(SG.$("entries-disabled").checked) });
    if (SG.$("entries-type").value) p.set("signalType", SG.$("entries-type").value);
    try {
      const r = await SG.api("GET", "/v1/banks/" + encodeURIComponent(bank) + "/entries?" + p);
      nextAfter = r.next_after === undefined ? null : r.next_after;
      const body = SG.$("entries-table").tBodies[0];
      body.replaceChildren();
      for (const e of r.entries) {
        const value = SG.el("code", e.value.length > 40 ? e.value.slice(0, 40) + "…" : e.value, { title: e.value.length > 200 ? e.value.slice(0, 200) + "…" : e.value });
        const state = e.disabled ? "disabled" + (e.disabled_reason ? ": " + e.disabled_reason : "") : "enabled";
        const tr = SG.row([e.id, e.signal_type, value, e.content_id, e.category, e.grade, SG.time(e.added_at), state], [0, 4]);
        tr.dataset.id = e.id;
        body.append(tr);
      }
      if (r.entries.length === 0) body.append(SG.row(["No entries match."]));
      const page = afters.length;
      SG.$("entries-caption").textContent = "Entries of " + bank + ", page " + page;
      SG.$("entries-page").textContent = "Page " + page + (r.entries.length ? ", entries " + r.entries[0].id + " to " + r.entries[r.entries.length - 1].id : "");
      SG.$("entries-prev").disabled = afters.length === 1;
      SG.$("entries-next").disabled = nextAfter === null;
      SG.$("entries-box").dataset.page = String(page);
    } catch (e) { SG.showError("banks-error", e); }
  }

  SG.loadIndex = async function () {
    SG.showError("index-error", null);
    try {
      const s = await SG.api("GET", "/v1/index/status");
      const dl = SG.$("index-facts");
      dl.replaceChildren();
      const fact = (name, value) => { const div = SG.el("div"); div.append(SG.el("dt", name), SG.el("dd", value)); dl.append(div); };
      fact("Ready", s.index.ready ? "yes" : "no (loading)");
      fact("Entries in the index", s.index.entries);
      fact("Last change applied", s.index.change_seq);
      fact("Last refresh", s.index.last_refresh ? SG.time(s.index.last_refresh) : "never");
      if (s.index.last_error) fact("Last error", s.index.last_error);
      fact("Suppressions", s.suppressions);
      SG.$("index-panel").dataset.ready = String(s.index.ready);
      await typeCounts();
      exchanges(s.exchanges);
      SG.$("index-panel").dataset.loaded = "1";
    } catch (e) { SG.showError("index-error", e); }
  };

  /** The index reports one total; per type the banks' enabled counts are summed. */
  async function typeCounts() {
    const list = await SG.api("GET", "/v1/banks?limit=1000");
    const sums = {};
    for (const b of list.banks) {
      const one = await SG.api("GET", "/v1/banks/" + encodeURIComponent(b.name));
      for (const [type, n] of Object.entries(one.enabled_by_type || {})) sums[type] = (sums[type] || 0) + n;
    }
    const body = SG.$("index-types").tBodies[0];
    body.replaceChildren();
    for (const type of Object.keys(sums).sort()) {
      const tr = SG.row([type, sums[type]], [1]);
      tr.dataset.type = type;
      body.append(tr);
    }
    if (Object.keys(sums).length === 0) body.append(SG.row(["No entries."]));
  }

  /** A duration in seconds as "45 s", "12 min", "3 h" or "2 d". */
  function ago(seconds) {
    if (seconds === null || seconds === undefined) return "";
    if (seconds < 120) return Math.round(seconds) + " s";
    if (seconds < 7200) return Math.round(seconds / 60) + " min";
    if (seconds < 172800) return Math.round(seconds / 3600) + " h";
    return Math.round(seconds / 86400) + " d";
  }

  /** The exchanges from /v1/index/status: one row each, with a button that fetches it now. */
  function exchanges(list) {
    const box = SG.$("exchanges");
    box.replaceChildren();
    if (!Array.isArray(list) || list.length === 0) {
      box.append(SG.el("p", "No exchanges configured.", { class: "hint", id: "no-exchanges" }));
      return;
    }
    const table = SG.el("table", null, { id: "exchanges-table", class: "grid" });
    table.append(SG.el("caption", "Exchanges: upstream lists that keep a bank current"));
    const head = SG.el("thead");
    const hr = SG.el("tr");
    for (const h of ["Name", "Type", "Bank", "Enabled", "Last fetch", "Lag", "Error", "Next fetch", ""]) hr.append(SG.el("th", h, { scope: "col" }));
    head.append(hr);
    const body = SG.el("tbody");
    for (const x of list) {
      const fetchNow = SG.el("button", "Fetch now", { type: "button", "data-exchange": x.name, "aria-label": "Fetch exchange " + x.name + " now" });
      fetchNow.addEventListener("click", () => fetchExchange(x.name, fetchNow));
      const error = x.error ? (x.consecutive_failures > 1 ? x.error + " (" + x.consecutive_failures + " failures in a row)" : x.error) : "";
      const tr = SG.row([x.name, x.type, x.bank, x.enabled ? "yes" : "no", x.last_fetch ? SG.time(x.last_fetch) : "never",
        ago(x.lag_seconds), error, x.enabled ? (x.next_fetch ? SG.time(x.next_fetch) : "now") : "by hand only", fetchNow]);
      tr.dataset.exchange = x.name;
      if (x.error) tr.className = "failing";
      body.append(tr);
    }
    table.append(head, body);
    const status = SG.el("p", "", { id: "exchanges-status", role: "status" });
    box.append(table, status);
  }

  /** Asks for a fetch (POST, with the UI's anti-forgery header like every dashboard action), then reloads the status. */
  async function fetchExchange(name, button) {
    SG.showError("index-error", null);
    button.disabled = true;
    const status = SG.$("exchanges-status");
    status.textContent = "Fetching " + name + "…";
    try {
      const r = await SG.api("POST", "/v1/exchanges/" + encodeURIComponent(name) + "/fetch?wait=20");
      status.textContent = r.status === "running" ? name + ": still fetching; the table updates when you reload."
        : r.succeeded ? name + ": " + r.pages + " pages, added " + r.added + ", updated " + r.updated + ", withdrawn " + r.withdrawn
        : name + ": failed: " + r.error;
      await SG.loadIndex();
      if (SG.$("exchanges-status")) SG.$("exchanges-status").textContent = status.textContent;
    } catch (e) {
      SG.showError("index-error", e);
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    SG.$("entries-form").addEventListener("submit", (ev) => { ev.preventDefault(); afters = [0]; loadEntries(); });
    SG.$("entries-next").addEventListener("click", () => { if (nextAfter !== null) { afters.push(nextAfter); loadEntries(); } });
    SG.$("entries-prev").addEventListener("click", () => { if (afters.length > 1) { afters.pop(); loadEntries(); } });
  });
})();
