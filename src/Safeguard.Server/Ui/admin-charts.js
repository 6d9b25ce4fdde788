// Charts for the dashboard, drawn as SVG by hand (no library, nothing from the network). Each chart is
// hidden from screen readers and followed by a table of the same numbers.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#1f5fa8", "#c2571a", "#2e7d32", "#8e44ad", "#b8860b", "#00838f", "#ad1457", "#5d4037"];

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  /** A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  SG.color = (i) => PALETTE[i % PALETTE.length];

  function start(figure, title) {
    figure.replaceChildren(SG.el("figcaption", title));
  }

  function table(figure, title, head, rows, numeric) {
    const t = SG.el("table", null, { class: "grid chart-table" });
    t.append(SG.el("caption", title));
    const thead = SG.el("thead"), tr = SG.el("tr");
    for (const h of head) { const th = SG.el("th", h, { scope: "col" }); if (h !== head[0]) th.className = "num"; tr.append(th); }
    thead.append(tr);
    const tbody = SG.el("tbody");
    for (const r of rows) tbody.append(SG.row(r, numeric));
    t.append(thead, tbody);
    figure.append(t);
  }

  function legend(figure, names) {
    const ul = SG.el("ul", null, { class: "legend", "aria-hidden": "true" });
    names.forEach((n, i) => {
      const li = SG.el("li");
      const sw = SG.el("span", null, { class: "swatch" });
      sw.style.background = SG.color(i);
      li.append(sw, document.createTextNode(n));
      ul.append(li);
    });
    figure.append(ul);
  }

  /**
   * Bars per day, stacked by series. rows: [{day, total, by: {series: count}}].
   * Each bar segment carries data-day, data-series and data-value (tests and tooltips read them).
   */
  SG.stackedDays = function (figure, title, rows, seriesLabel) {
    start(figure, title);
    const series = [...new Set(rows.flatMap(r => Object.keys(r.by)))].sort();
    const W = 580, H = 200, left = 34, bottom = 22, top = 8;
    const max = niceMax(Math.max(0, ...rows.map(r => r.total)));
    const plotH = H - bottom - top, slot = (W - left) / Math.max(1, rows.length), bar = Math.max(1, slot * 0.75);
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "bars", "aria-hidden": "true", focusable: "false" });
    for (const f of [0, 0.5, 1]) {
      const y = top + plotH * (1 - f);
      s.append(svg("line", { x1: left, x2: W, y1: y, y2: y, class: "gridline" }));
      s.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "axis" }, Math.round(max * f)));
    }
    const every = Math.ceil(rows.length / 7);
    rows.forEach((r, i) => {
      const x = left + i * slot + (slot - bar) / 2;
      let y = top + plotH;
      series.forEach((name, k) => {
        const v = r.by[name] || 0;
        if (!v) return;
        const h = plotH * v / max;
        y -= h;
        const rect = svg("rect", { x: x.toFixed(1), y: y.toFixed(1), width: bar.toFixed(1), height: h.toFixed(1), fill: SG.color(k),
          "data-day": r.day, "data-series": name, "data-value": v });
        rect.append(svg("title", {}, `${r.day} ${name}: ${v}`));
        s.append(rect);
      });
      if (i % every === 0) s.append(svg("text", { x: (x + bar / 2).toFixed(1), y: H - 6, "text-anchor": "middle", class: "axis" }, r.day.slice(5)));
    });
    figure.append(s);
    legend(figure, series);
    const withData = rows.filter(r => r.total > 0);
    table(figure, title, ["Day", ...series, "Total"], withData.map(r => [r.day, ...series.map(n => r.by[n] || 0), r.total]),
      series.map((_, i) => i + 1).concat([series.length + 1]));
    if (withData.length === 0) figure.append(SG.el("p", "Nothing in this range.", { class: "hint" }));
    figure.dataset.series = seriesLabel;
  };

  /** Horizontal bars, one per name: rows [{name, count}]. */
  SG.namedBars = function (figure, title, rows, nameHead, valueHead) {
    start(figure, title);
    if (rows.length === 0) {
      figure.append(SG.el("p", "Nothing in this range.", { class: "hint" }));
      return;
    }
    const W = 560, rowH = 24, labelW = 170, H = rows.length * rowH + 4;
    const max = Math.max(1, ...rows.map(r => r.count));
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "hbars", "aria-hidden": "true", focusable: "false" });
    rows.forEach((r, i) => {
      const y = 2 + i * rowH, w = (W - labelW - 60) * r.count / max;
      const name = r.name.length > 24 ? r.name.slice(0, 23) + "…" : r.name;
      s.append(svg("text", { x: labelW - 8, y: y + 16, "text-anchor": "end", class: "label" }, name));
      const rect = svg("rect", { x: labelW, y: y + 3, width: Math.max(1, w).toFixed(1), height: rowH - 8, fill: SG.color(0),
        "data-name": r.name, "data-value": r.count });
      rect.append(svg("title", {}, `${r.name}: ${r.count}`));
      s.append(rect, svg("text", { x: labelW + w + 6, y: y + 16, class: "label" }, r.count));
    });
    figure.append(s);
    table(figure, title, [nameHead, valueHead], rows.map(r => [r.name, r.count]), [1]);
  };

  /** A table always shown (numbers with no chart of their own, or more columns than the chart). */
  SG.shownTable = function (figure, title, head, rows, numeric) {
    table(figure, title, head, rows, numeric);
    figure.lastChild.classList.add("always");
  };

  /** A small table of numbers that have no chart. */
  SG.numbers = function (figure, title, head, rows, numeric) {
    start(figure, title);
    SG.shownTable(figure, title, head, rows, numeric);
  };
})();
