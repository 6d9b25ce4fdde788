// Keyboard shortcuts for every decision and for moving through the queue; never while typing in a field.
"use strict";

function typing(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "range"].includes((target.type || "").toLowerCase());
}

function overlayOpen() { return !$("help-overlay").hidden || !$("break-overlay").hidden || !$("break-screen").hidden; }

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === "Escape") { if (!$("help-overlay").hidden) toggleHelp(false); return; }
  if (typing(ev.target) || $("console").hidden) return;
  if (ev.key === "?") { ev.preventDefault(); toggleHelp($("help-overlay").hidden); return; }
  if (overlayOpen()) return;
  const actions = {
    j: () => moveInQueue(1), k: () => moveInQueue(-1),
    c: () => decideWith("confirmed"), f: () => decideWith("false_positive"), e: () => decideWith("escalate"),
    u: () => revealAll(), b: () => showBlurred(),
    g: () => { $("greyscale").checked = !$("greyscale").checked; showBlurred(); },
    x: () => { if (state.current && state.current.verified_exact) togglePick(state.current.id, !state.selected.has(state.current.id)); },
  };
  if (/^[1-8]$/.test(ev.key)) { ev.preventDefault(); setCategory(Number(ev.key)); return; }
  const action = actions[ev.key];
  if (action) { ev.preventDefault(); action(); }
}

let helpReturn = null;
function toggleHelp(open) {
  $("help-overlay").hidden = !open;
  if (open) { helpReturn = document.activeElement; $("help-close").focus(); }
  else if (helpReturn && helpReturn.focus) helpReturn.focus();
}

function wireKeys() {
  document.addEventListener("keydown", onKey);
  $("help").addEventListener("click", () => toggleHelp(true));
  $("help-close").addEventListener("click", () => toggleHelp(false));
}
