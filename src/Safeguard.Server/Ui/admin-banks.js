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

  /** Exchanges are not built yet: when the status names some, they are listed; otherwise a placeholder. */
  function exchanges(list) {
    const box = SG.$("exchanges");
    box.replaceChildren();
    if (!Array.isArray(list) || list.length === 0) {
      box.append(SG.el("p", "No exchanges configured.", { class: "hint", id: "no-exchanges" }));
      return;
    }
    const ul = SG.el("ul");
    for (const x of list) ul.append(SG.el("li", [x.name, x.status, x.last_fetch].filter(Boolean).join(" · ")));
    box.append(ul);
  }

  document.addEventListener("DOMContentLoaded", () => {
    SG.$("entries-form").addEventListener("submit", (ev) => { ev.preventDefault(); afters = [0]; loadEntries(); });
    SG.$("entries-next").addEventListener("click", () => { if (nextAfter !== null) { afters.push(nextAfter); loadEntries(); } });
    SG.$("entries-prev").addEventListener("click", () => { if (afters.length > 1) { afters.pop(); loadEntries(); } });
  });
})();
