// Statistics panel: GET /v1/stats for a range of UTC days, shown as totals, SVG charts and tables.
"use strict";
(function () {
  const TOTALS = [["items", "Items received"], ["matched_items", "Matched a bank"], ["confirmed", "Confirmed"],
    ["false_positive", "False positives"], ["escalated", "Escalations"], ["clear_views", "Clear views"],
    ["blurred_views", "Blurred views"], ["awaiting_review_now", "Awaiting review now"]];

  function query() {
    const p = new URLSearchParams();
    if (SG.$("stats-from").value) p.set("from", SG.$("stats-from").value);
    if (SG.$("stats-to").value) p.set("to", SG.$("stats-to").value);
    return p.toString();
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    if (seconds < 120) return seconds.toFixed(0) + " s";
    if (seconds < 7200) return (seconds / 60).toFixed(1) + " min";
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + " h";
    return (seconds / 86400).toFixed(1) + " days";
  }

  function totals(t) {
    const box = SG.$("stats-totals");
    box.replaceChildren();
    const dl = SG.el("dl");
    for (const [key, label] of TOTALS) {
      const div = SG.el("div", null, { "data-total": key });
      div.append(SG.el("dt", label), SG.el("dd", t[key]));
      dl.append(div);
    }
    box.append(dl);
  }

  SG.loadStats = async function () {
    SG.showError("stats-error", null);
    const q = query();
    SG.$("stats-csv").href = "/v1/stats.csv" + (q ? "?" + q : "");
    try {
      const s = await SG.api("GET", "/v1/stats" + (q ? "?" + q : ""));
      if (!SG.$("stats-from").value) SG.$("stats-from").value = s.from;
      if (!SG.$("stats-to").value) SG.$("stats-to").value = s.to;
      SG.$("stats-panel").dataset.range = s.from + ".." + s.to;
      SG.$("stats-csv").href = "/v1/stats.csv?" + new URLSearchParams({ from: s.from, to: s.to });
      totals(s.totals);
      SG.stackedDays(SG.$("chart-items"), "Items received per day, by kind", s.items_per_day, "kind");
      SG.stackedDays(SG.$("chart-decisions"), "Decisions per day", s.decisions_per_day, "decision");
      SG.namedBars(SG.$("chart-banks"), "Items that matched each bank", s.matches_by_bank, "Bank", "Items");
      SG.namedBars(SG.$("chart-categories"), "Confirmed items by category", s.confirmed_by_category, "Category", "Items");
      // Exposure: clear views drawn (what the cap limits), both kinds in the table below the bars.
      SG.namedBars(SG.$("chart-exposure"), "Clear media views per reviewer (exposure)",
        s.exposure.map(e => ({ name: e.reviewer, count: e.clear_views })), "Reviewer", "Clear views");
      SG.shownTable(SG.$("chart-exposure"), "Media views per reviewer", ["Reviewer", "Clear views", "Blurred views"],
        s.exposure.map(e => [e.reviewer, e.clear_views, e.blurred_views]), [1, 2]);
      const t = s.time_to_decision;
      SG.numbers(SG.$("chart-times"), "Time from arrival to final decision", ["Measure", "Value"],
        [["Items decided", t.decided], ["Median", duration(t.median_seconds)], ["90th percentile", duration(t.p90_seconds)]], [1]);
      SG.$("stats-panel").dataset.loaded = "1";
    } catch (e) { SG.showError("stats-error", e); }
  };

  document.addEventListener("DOMContentLoaded", () => {
    SG.$("stats-form").addEventListener("submit", (ev) => { ev.preventDefault(); SG.loadStats(); });
    SG.$("stats-tables").addEventListener("change", (ev) => SG.$("stats-panel").classList.toggle("tables-shown", ev.target.checked));
  });
})();
