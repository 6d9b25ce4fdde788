// A conversation alert as a readable transcript: the evidence messages in order, each marked with the indicators that cite it.
"use strict";

function showConversation(alert) {
  const box = $("conversation-box");
  box.hidden = !alert;
  if (!alert) return;
  const dl = $("conversation-facts"); dl.replaceChildren();
  fact(dl, "Conversation", alert.conversation_id);
  fact(dl, "Level", alert.level);
  fact(dl, "Stage reached", alert.stage);
  fact(dl, "Participant of concern", alert.participant);
  if (typeof alert.score === "number") fact(dl, "Score", alert.score.toFixed(2));
  if (alert.model) fact(dl, "Model", alert.model.name + " (probability " + Number(alert.model.probability).toFixed(2) + ")");

  const indicators = alert.indicators || [];
  const ul = $("conversation-indicators"); ul.replaceChildren();
  indicators.forEach((ind, n) => {
    const li = el("li", null, "indicator");
    li.append(el("span", "I" + (n + 1), "ind-key"), el("strong", ind.description || ind.id), el("span", " " + (ind.family || "") + ", strength " + Number(ind.strength || 0).toFixed(2), "muted"));
    if (ind.matched_phrases && ind.matched_phrases.length) li.append(el("span", " \u2014 \u201c" + ind.matched_phrases.join("\u201d, \u201c") + "\u201d", "phrases"));
    ul.append(li);
  });

  const ol = $("transcript"); ol.replaceChildren();
  const focus = alert.participant;
  for (const m of alert.evidence_messages || []) {
    const li = el("li", null, "message" + (m.sender === focus ? " from-focus" : ""));
    const head = el("p", null, "msg-head");
    head.append(el("span", m.sender, "sender"), el("span", "message " + m.index + (m.timestamp ? " \u00b7 " + new Date(m.timestamp).toISOString().replace("T", " ").slice(0, 16) + " UTC" : ""), "muted"));
    li.append(head, el("p", m.text, "msg-text"));
    const fired = indicators.map((ind, n) => ({ ind, n })).filter(x => (x.ind.message_indices || []).includes(m.index));
    if (fired.length) {
      const tags = el("p", null, "msg-tags");
      for (const x of fired) tags.append(el("span", "I" + (x.n + 1) + " " + (x.ind.description || x.ind.id), "tag"));
      li.append(tags);
    }
    ol.append(li);
  }
  if (!(alert.evidence_messages || []).length) ol.append(el("li", "No evidence messages were kept with this alert.", "muted"));
}
