// Audit panel: entries newest first with filters, paged backwards (before=next_before); chain verification.
"use strict";
(function () {
  const PAGE = 50;
  let befores = [null], nextBefore = null;

  function filters() {
    const p = new URLSearchParams({ limit: String(PAGE) });
    for (const [field, id] of [["action", "audit-action"], ["actor", "audit-actor"], ["target", "audit-target"], ["from", "audit-from"], ["to", "audit-to"]])
      if (SG.$(id).value.trim()) p.set(field, SG.$(id).value.trim());
    const before = befores[befores.length - 1];
    if (before !== null) p.set("before", String(before));
    return p;
  }

  SG.loadAudit = async function () {
    SG.showError("audit-error", null);
    try {
      const r = await SG.api("GET", "/v1/admin/audit?" + filters());
      nextBefore = r.next_before === undefined ? null : r.next_before;
      const body = SG.$("audit-table").tBodies[0];
      body.replaceChildren();
      for (const e of r.entries) {
        const tr = SG.row([e.seq, SG.time(e.at), e.actor, e.action, e.target, e.detail], [0]);
        tr.dataset.seq = e.seq;
        body.append(tr);
      }
      if (r.entries.length === 0) body.append(SG.row(["No entries match."]));
      SG.$("audit-page").textContent = "Page " + befores.length;
      SG.$("audit-newer").disabled = befores.length === 1;
      SG.$("audit-older").disabled = nextBefore === null;
      SG.$("audit-panel").dataset.loaded = "1";
    } catch (e) { SG.showError("audit-error", e); }
  };

  async function verify() {
    const box = SG.$("audit-verdict");
    box.replaceChildren(SG.el("p", "Verifying…"));
    try {
      const v = await SG.api("GET", "/v1/audit/verify");
      // An empty log is not tampering, but it is not "intact" either: nothing was checked.
      const verdict = v.ok ? "intact" : /empty/.test(v.message) && v.entries === 0 ? "empty" : "tampered";
      const p = SG.el("p", null, { class: v.ok ? "verdict ok" : "verdict bad" });
      p.append(SG.el("strong", { intact: "Intact. ", empty: "Nothing to verify. ", tampered: "Tampered. " }[verdict]), document.createTextNode(v.message));
      box.replaceChildren(p);
      box.dataset.verdict = verdict;
    } catch (e) { box.replaceChildren(SG.el("p", e.message, { class: "error" })); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    SG.$("audit-form").addEventListener("submit", (ev) => { ev.preventDefault(); befores = [null]; SG.loadAudit(); });
    SG.$("audit-older").addEventListener("click", () => { if (nextBefore !== null) { befores.push(nextBefore); SG.loadAudit(); } });
    SG.$("audit-newer").addEventListener("click", () => { if (befores.length > 1) { befores.pop(); SG.loadAudit(); } });
    SG.$("audit-verify").addEventListener("click", verify);
  });
})();
