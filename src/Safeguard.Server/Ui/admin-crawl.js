// The crawl panel: the service crawler's status, and per hosting provider the median and 90th-percentile
// hours from a removal notice being sent to the media being gone, drawn as SVG by hand (no library).
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const SERIES = [["median", "Median", "median_hours_to_removal"], ["p90", "90th percentile", "p90_hours_to_removal"]];

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  /** Hours as people read them: one decimal under 10, whole hours above; a dash when nothing was removed. */
  function hours(h) { return h === null || h === undefined ? "–" : h < 10 ? h.toFixed(1) : String(Math.round(h)); }

  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function facts(s) {
    const dl = SG.$("crawl-facts");
    dl.replaceChildren();
    const fact = (key, name, value) => {
      const div = SG.el("div", null, { "data-fact": key });
      div.append(SG.el("dt", name), SG.el("dd", value));
      dl.append(div);
    };
    fact("requests_queued", "Requests queued", s.requests.queued + s.requests.running);
    fact("requests_done", "Requests done", s.requests.done);
    fact("requests_failed", "Requests failed", s.requests.failed);
    fact("urls_done", "URLs fetched", s.urls.done);
    fact("urls_failed", "URLs failed", s.urls.failed);
    fact("urls_queued", "URLs waiting", s.urls.queued + s.urls.waiting + s.urls.claimed);
    fact("sightings", "Sightings", s.sightings.total);
    fact("suspected", "Suspected", s.sightings.suspected);
    fact("pending_review", "Awaiting review", s.sightings.pending_review);
    fact("rejected", "Rejected by review", s.sightings.rejected);
    fact("crawling_here", "Crawling in this process", s.crawling_here ? "yes" : "no");
    if (s.last_error) fact("last_error", "Last error" + (s.last_error_at ? " (" + SG.time(s.last_error_at) + ")" : ""), s.last_error);
  }

  /** Two bars per provider (median and 90th percentile), on one scale of hours; each carries data-provider, data-series and data-value. */
  SG.removalChart = function (figure, providers) {
    const title = "Hours from notice to removal, per hosting provider";
    figure.replaceChildren(SG.el("figcaption", title));
    if (providers.length === 0) {
      figure.append(SG.el("p", "No removal notices yet: run `safeguard crawl notices ... collect` on this database and send them.", { class: "hint" }));
      return;
    }
    const W = 580, labelW = 170, barH = 12, groupH = 2 * barH + 12, top = 18, H = top + providers.length * groupH + 4;
    const max = niceMax(Math.max(0, ...providers.map(p => p.p90_hours_to_removal || 0)));
    const plotW = W - labelW - 50;
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "hbars", "aria-hidden": "true", focusable: "false" });
    for (const f of [0, 0.5, 1]) {
      const x = labelW + plotW * f;
      s.append(svg("line", { x1: x, x2: x, y1: top - 4, y2: H, class: "gridline" }));
      s.append(svg("text", { x, y: 11, "text-anchor": "middle", class: "axis" }, (f === 0 ? "0" : hours(max * f)) + " h"));
    }
    providers.forEach((p, i) => {
      const y = top + i * groupH;
      const name = p.provider.length > 24 ? p.provider.slice(0, 23) + "…" : p.provider;
      s.append(svg("text", { x: labelW - 8, y: y + barH + 4, "text-anchor": "end", class: "label" }, name));
      SERIES.forEach(([key, label, field], k) => {
        const v = p[field];
        const by = y + k * (barH + 2);
        if (v === null || v === undefined) {
          if (k === 0) s.append(svg("text", { x: labelW + 4, y: by + barH, class: "label" }, "nothing removed yet"));
          return;
        }
        const w = plotW * v / max;
        const rect = svg("rect", { x: labelW, y: by, width: Math.max(1, w).toFixed(1), height: barH, fill: SG.color(k),
          "data-provider": p.provider, "data-series": key, "data-value": v });
        rect.append(svg("title", {}, `${p.provider}, ${label.toLowerCase()}: ${hours(v)} h`));
        s.append(rect, svg("text", { x: labelW + w + 5, y: by + barH - 1, class: "axis" }, hours(v)));
      });
    });
    figure.append(s);
    const ul = SG.el("ul", null, { class: "legend", "aria-hidden": "true" });
    SERIES.forEach(([, label], k) => {
      const li = SG.el("li"), sw = SG.el("span", null, { class: "swatch" });
      sw.style.background = SG.color(k);
      li.append(sw, document.createTextNode(label));
      ul.append(li);
    });
    figure.append(ul);
    SG.shownTable(figure, title, ["Provider", "Sightings", "Removed", "Still online", "Escalated", "Median hours", "90th percentile hours"],
      providers.map(p => [p.provider, p.sightings, p.removed, p.still_present, p.escalated, hours(p.median_hours_to_removal), hours(p.p90_hours_to_removal)]),
      [1, 2, 3, 4, 5, 6]);
  };

  SG.loadCrawl = async function () {
    SG.showError("crawl-error", null);
    try {
      const [status, removal] = await Promise.all([SG.api("GET", "/v1/crawl/status"), SG.api("GET", "/v1/crawl/removal")]);
      facts(status);
      SG.removalChart(SG.$("chart-removal"), removal.providers);
      SG.$("crawl-panel").dataset.loaded = "1";
    } catch (e) { SG.showError("crawl-error", e); }
  };
})();
