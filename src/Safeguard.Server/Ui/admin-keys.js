// Keys panel: list, create (the secret shown once), revoke after a confirmation.
"use strict";
(function () {
  SG.loadKeys = async function () {
    SG.showError("keys-error", null);
    try {
      const r = await SG.api("GET", "/v1/keys");
      const body = SG.$("keys-table").tBodies[0];
      body.replaceChildren();
      for (const k of r.keys) {
        let action = "";
        if (!k.revoked_at) {
          action = SG.el("button", "Revoke", { type: "button", class: "danger", "data-key": k.id, "aria-label": "Revoke key " + k.name + " (" + k.prefix + ")" });
          action.addEventListener("click", () => revoke(k));
        }
        const state = k.revoked_at ? "revoked " + SG.time(k.revoked_at) : "active";
        const tr = SG.row([k.id, k.name, k.prefix, k.roles.join(", "), k.rate_per_second || "default", SG.time(k.created_at), state, action], [0, 4]);
        tr.dataset.id = k.id;
        tr.dataset.state = k.revoked_at ? "revoked" : "active";
        body.append(tr);
      }
      SG.$("keys-panel").dataset.loaded = "1";
    } catch (e) { SG.showError("keys-error", e); }
  };

  async function create(ev) {
    ev.preventDefault();
    SG.showError("keys-error", null);
    const roles = [...document.querySelectorAll("#key-form input[name=role]:checked")].map(i => i.value);
    const rate = SG.$("key-rate").value;
    try {
      const r = await SG.api("POST", "/v1/keys", { name: SG.$("key-name").value, roles, rate_per_second: rate ? Number(rate) : null });
      SG.$("new-key-name").textContent = r.key.name + " (" + r.key.roles.join(", ") + ")";
      SG.$("new-key-secret").textContent = r.secret;
      SG.$("new-key-copied").textContent = "";
      SG.$("new-key").hidden = false;
      SG.$("key-form").reset();
      await SG.loadKeys();
    } catch (e) { SG.showError("keys-error", e); }
  }

  async function copy() {
    const secret = SG.$("new-key-secret").textContent;
    try {
      await navigator.clipboard.writeText(secret);
      SG.$("new-key-copied").textContent = "Copied.";
    } catch (e) {
      // No clipboard access (an http page other than localhost): select the text for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(SG.$("new-key-secret"));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      SG.$("new-key-copied").textContent = "Selected: press Ctrl+C to copy.";
    }
  }

  async function revoke(k) {
    if (!window.confirm("Revoke key " + k.name + " (" + k.prefix + ")? Every request with it fails from now on; this cannot be undone.")) return;
    SG.showError("keys-error", null);
    try {
      await SG.api("DELETE", "/v1/keys/" + k.id);
      SG.$("new-key").hidden = true;
      await SG.loadKeys();
    } catch (e) { SG.showError("keys-error", e); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    SG.$("key-form").addEventListener("submit", create);
    SG.$("new-key-copy").addEventListener("click", copy);
  });
})();
