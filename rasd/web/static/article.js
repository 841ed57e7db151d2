/* The article view (used by /documents/{id} and /extract): the text with entities and
   event triggers highlighted, displaCy-style, and a card per event whose fields are
   linked to the characters they were read from (click a field → its span lights up). */
"use strict";
(function () {
  const { el, t, typeLabel } = window.rasd;

  const spanOf = (x) => (x && Array.isArray(x.span) && x.span.length === 2 ? x.span : null);

  /* The trigger's span; records without trigger_span: its first occurrence in the sentence. */
  function triggerSpan(ev, text) {
    if (Array.isArray(ev.trigger_span)) return ev.trigger_span;
    if (!ev.trigger || !Array.isArray(ev.span)) return null;
    const at = text.indexOf(ev.trigger, ev.span[0]);
    return at >= 0 && at + ev.trigger.length <= ev.span[1] ? [at, at + ev.trigger.length] : null;
  }

  /* The spans an event's fields came from: [[labelKey, value, span], …]. */
  function eventFields(ev, entities) {
    const actor = (a) => a ? [a.name, a.name_ar && a.name_ar !== a.name ? a.name_ar : null].filter(Boolean).join(" · ") || a.mention : null;
    const loc = ev.location;
    const place = loc ? [loc.name || loc.mention, loc.admin1, loc.country].filter(Boolean).join(", ") : null;
    const date = ev.date ? [ev.date.value, ev.date.mention ? "(" + ev.date.mention + ")" : null].filter(Boolean).join(" ") : null;
    let fatalSpan = null;
    if (ev.fatalities != null && Array.isArray(ev.span)) {
      const num = entities.find((e) => e.type === "NUM" && Array.isArray(e.span) &&
        e.span[0] >= ev.span[0] && e.span[1] <= ev.span[1] && Number(e.value) === Number(ev.fatalities));
      fatalSpan = num ? num.span : null;
    }
    return [
      ["e.trigger", ev.trigger, ev._trigger_span || null],
      ["e.actor1", actor(ev.actor1), spanOf(ev.actor1)],
      ["e.actor2", actor(ev.actor2), spanOf(ev.actor2)],
      ["e.location", place, spanOf(loc)],
      ["e.date", date, spanOf(ev.date)],
      ["e.fatalities", ev.fatalities, fatalSpan],
      ["e.injuries", ev.injuries, null],
      ["e.attribution", ev.attribution, ev.attribution_span || null],
      ["e.sentence", ev.sentence, ev.span || null],
    ].filter(([, value]) => value !== null && value !== undefined && value !== "");
  }

  /* Split the text at every span boundary; each piece is a <span data-s data-e>. */
  function renderText(box, text, entities, events) {
    const marks = [];
    for (const e of entities) {
      if (Array.isArray(e.span)) marks.push({ s: e.span[0], e: e.span[1], kind: "ent", type: e.type, label: e.type });
    }
    events.forEach((ev, i) => {
      const span = ev._trigger_span;
      if (Array.isArray(span)) marks.push({ s: span[0], e: span[1], kind: "trigger", type: (ev.plover || {}).type || "OTHER", index: i });
    });
    const cuts = new Set([0, text.length]);
    for (const m of marks) { cuts.add(Math.max(0, Math.min(text.length, m.s))); cuts.add(Math.max(0, Math.min(text.length, m.e))); }
    for (const ev of events) {
      for (const [, , span] of eventFields(ev, entities)) {
        if (span) { cuts.add(Math.max(0, Math.min(text.length, span[0]))); cuts.add(Math.max(0, Math.min(text.length, span[1]))); }
      }
    }
    const points = Array.from(cuts).sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    const endsAt = new Map();
    for (const m of marks) { if (!endsAt.has(m.e)) endsAt.set(m.e, []); endsAt.get(m.e).push(m); }
    for (let k = 0; k + 1 < points.length; k++) {
      const s = points[k], e = points[k + 1];
      const seg = el("span", { class: "seg", "data-s": s, "data-e": e });
      seg.textContent = text.slice(s, e);
      for (const m of marks) {
        if (m.s <= s && m.e >= e) {
          if (m.kind === "ent") seg.classList.add("ent", "ent-" + m.type);
          else { seg.classList.add("trigger", "type-" + m.type); seg.setAttribute("data-event", m.index); }
        }
      }
      frag.append(seg);
      for (const m of endsAt.get(e) || []) {
        const label = m.kind === "ent" ? m.type : typeLabel(m.type);
        frag.append(el("span", { class: "tag " + (m.kind === "ent" ? "tag-" + m.type : "tag-trigger"), "aria-hidden": "true" }, label));
      }
    }
    box.replaceChildren(frag);
  }

  function highlight(box, start, end) {
    let first = null;
    for (const seg of box.querySelectorAll(".seg")) {
      const on = Number(seg.getAttribute("data-s")) >= start && Number(seg.getAttribute("data-e")) <= end && start < end;
      seg.classList.toggle("hl", on);
      if (on && !first) first = seg;
    }
    if (first) first.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function eventCard(ev, index, entities, onField) {
    const type = (ev.plover || {}).type || "OTHER";
    const acled = ev.acled && ev.acled.event_type ? [ev.acled.event_type, ev.acled.sub_event_type].filter(Boolean).join(" / ") : null;
    const head = el("h3", {}, el("span", { class: "chip type-" + type }, typeLabel(type)));
    if (ev.plover && ev.plover.mode) head.append(" ", el("span", { class: "muted" }, ev.plover.mode));
    for (const flag of ["negated", "hypothetical", "historical"]) {
      if (ev[flag]) head.append(" ", el("span", { class: "flag flag-" + flag }, t("e." + flag)));
    }
    const list = el("dl", { class: "fields" });
    if (acled) list.append(el("dt", {}, t("e.acled")), el("dd", {}, acled));
    for (const [key, value, span] of eventFields(ev, entities)) {
      const arabic = window.rasd.hasArabic(String(value));
      const content = span
        ? el("button", { type: "button", class: "field", "data-start": span[0], "data-end": span[1], "data-field": key, dir: arabic ? "rtl" : "auto" }, value)
        : el("span", { dir: arabic ? "rtl" : "auto" }, value);
      if (span) content.addEventListener("click", () => onField(index, span));
      list.append(el("dt", {}, t(key)), el("dd", {}, content));
    }
    return el("li", { class: "event-card", id: "event-" + index, "data-event-id": ev.id || "" }, head, list);
  }

  /* render(record, {text, list, count}) fills the view from a contract record. */
  function render(record, nodes) {
    const text = (record.document && record.document.text) || "";
    const entities = record.entities || [];
    const events = (record.events || []).map((ev) => Object.assign({}, ev, { _trigger_span: triggerSpan(ev, text) }));
    renderText(nodes.text, text, entities, events);
    const select = (index, span) => {
      for (const card of nodes.list.querySelectorAll(".event-card")) card.classList.toggle("selected", card.id === "event-" + index);
      if (span) highlight(nodes.text, span[0], span[1]);
    };
    nodes.list.replaceChildren(...events.map((ev, i) => eventCard(ev, i, entities, select)));
    if (!events.length) nodes.list.append(el("li", { class: "muted" }, t("d.none")));
    if (nodes.count) nodes.count.textContent = String(events.length);
    nodes.text.addEventListener("click", (event) => {
      const seg = event.target.closest(".seg.trigger");
      if (!seg) return;
      const index = Number(seg.getAttribute("data-event"));
      const ev = events[index];
      select(index, ev && ev.span);
      const card = document.getElementById("event-" + index);
      if (card) card.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
    const legend = nodes.legend;
    if (legend) {
      const types = Array.from(new Set(entities.map((e) => e.type))).sort();
      legend.replaceChildren(
        ...types.map((type) => el("li", {}, el("span", { class: "swatch ent-" + type }), t("ent." + type, type))),
        el("li", {}, el("span", { class: "swatch trigger-swatch" }), t("ent.TRIGGER")));
    }
    return { select };
  }

  window.rasd.article = { render, highlight, eventFields };
})();
