/* The event map page: filters ↔ URL, clustered markers coloured by type, a brushable
   timeline of events per day by type, and a sortable table. */
"use strict";
(function () {
  const { el, t, typeLabel, getJSON } = window.rasd;
  const PAGE = 200;
  const FILTERS = ["type", "actor", "country", "admin1", "since", "until", "text", "located"];

  const form = document.getElementById("filters");
  const tbody = document.querySelector("#events tbody");
  const moreButton = document.getElementById("more");
  const state = { rows: [], total: 0, sort: null, desc: false, offset: 0 };

  function typeColor(type) {
    const css = getComputedStyle(document.documentElement);
    return (css.getPropertyValue("--type-" + type) || css.getPropertyValue("--type-OTHER")).trim() || "#777";
  }

  /* ---- filters and URL ---- */
  function currentFilters() {
    const params = new URLSearchParams();
    const data = new FormData(form);
    for (const name of FILTERS) {
      const value = (data.get(name) || "").toString().trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function fillForm(params) {
    for (const name of FILTERS) {
      const field = form.elements.namedItem(name);
      if (!field) continue;
      const value = params.get(name) || "";
      if (field.tagName === "SELECT" && value && !Array.from(field.options).some((o) => o.value === value)) {
        field.append(el("option", { value }, value));
      }
      field.value = value;
    }
  }

  /* ---- map ---- */
  const mapNode = document.getElementById("map");
  const map = L.map(mapNode, { worldCopyJump: true, minZoom: 2, maxZoom: 16 }).setView([30, 38], 4);
  const tiles = mapNode.getAttribute("data-tiles");
  if (tiles) {
    let host = "";
    try { host = new URL(tiles.replace(/[{}]/g, "")).hostname; } catch (e) { /* keep it blank */ }
    L.tileLayer(tiles, { maxZoom: 18, attribution: host ? "tiles: " + host : "" }).addTo(map);
  }
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");
  getJSON("/static/web/countries.geojson").then((world) => {
    const outlines = L.geoJSON(world, {
      style: { color: "#8a8f98", weight: 0.8, fillColor: "#eef0f2", fillOpacity: tiles ? 0 : 1 },
      interactive: false,
    });
    outlines.addTo(map);
    outlines.bringToBack();
  }).catch(() => { /* the markers still show */ });
  /* A cluster shows its count, ringed in the colour of its most frequent event type. */
  function clusterIcon(group) {
    const counts = {};
    for (const marker of group.getAllChildMarkers()) {
      counts[marker.options.eventType] = (counts[marker.options.eventType] || 0) + 1;
    }
    const top = Object.keys(counts).sort((a, b) => counts[b] - counts[a])[0] || "OTHER";
    const n = group.getChildCount();
    const size = n < 10 ? 30 : n < 100 ? 36 : 44;
    const box = el("div", { class: "cluster type-" + top }, el("span", {}, n));
    box.style.borderColor = typeColor(top);
    return L.divIcon({ html: box, className: "marker-cluster rasd-cluster", iconSize: L.point(size, size) });
  }
  const cluster = L.markerClusterGroup({ maxClusterRadius: 40, chunkedLoading: true, iconCreateFunction: clusterIcon });
  map.addLayer(cluster);

  function popupFor(p) {
    const box = el("div", { class: "popup" },
      el("strong", {}, typeLabel(p.plover_type || "OTHER")), " ", p.date || "", el("br"),
      el("span", { dir: "auto" }, [p.actor1_name, p.actor2_name].filter(Boolean).join(" → ")), el("br"),
      el("span", { dir: "auto" }, [p.location_name, p.admin1, p.country].filter(Boolean).join(", ")));
    if (p.fatalities != null) box.append(el("br"), t("c.fatalities") + ": " + p.fatalities);
    const sentence = el("p", { lang: "ar", dir: "rtl", class: "sentence" }, "…");
    box.append(sentence, el("a", { href: "/events/" + encodeURIComponent(p.id) }, t("e.reports")));
    getJSON("/api/events/" + encodeURIComponent(p.id))  // the sentence is not in the map's data
      .then((ev) => { sentence.textContent = ev.sentence || ""; })
      .catch(() => { sentence.textContent = ""; });
    return box;
  }

  /* A square of /api/map's grid: its count (every located event in it), ringed in the
     colour of its most frequent type; a click zooms to the square. */
  function squareMarker(f) {
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties;
    const n = p.count;
    const size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 44 : 52;
    const box = el("div", { class: "cluster type-" + p.plover_type }, el("span", {}, n));
    box.style.borderColor = typeColor(p.plover_type);
    const title = Object.entries(p.types || {}).map(([type, k]) => typeLabel(type) + ": " + k).join(", ");
    const marker = L.marker([lat, lon], {
      icon: L.divIcon({ html: box, className: "map-square rasd-cluster", iconSize: L.point(size, size) }),
      title: title, keyboard: true,
    });
    marker.on("click", () => {
      const [south, west, north, east] = p.bounds;
      map.fitBounds([[south, west], [north, east]], { maxZoom: map.getZoom() + 3 });
    });
    return marker;
  }

  function pointMarker(f) {
    const [lon, lat] = f.geometry.coordinates;
    const type = f.properties.plover_type || "OTHER";
    const marker = L.circleMarker([lat, lon], {
      radius: 7, color: "#333", weight: 1, fillColor: typeColor(type), fillOpacity: 0.9,
      className: "marker type-" + type, eventType: type,
    });
    marker.bindPopup(() => popupFor(f.properties));
    return marker;
  }

  const squares = L.layerGroup().addTo(map);
  const mapState = { aggregated: false, params: new URLSearchParams(), ticket: 0, counts: null };

  function viewBox() {
    const b = map.getBounds().pad(0.25);
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(4)).join(",");
  }

  /* "N on the map, M without a place": N every located event that matches (drawn one by
     one or counted in squares), M those without coordinates (the button lists them). */
  function showCounts(data) {
    mapState.counts = data;
    document.getElementById("located-count").textContent = String(data.located);
    document.getElementById("unlocated-count").textContent = String(data.unlocated);
    document.getElementById("unlocated-link").disabled = !data.unlocated;
    document.getElementById("map-note").textContent = data.aggregated ? t("m.squares") : "";
  }

  /* The matching located events: points when /api/map sends them one by one, else its
     squares. ``fit``: a new filter (the whole world, then zoom to what was found); else a
     new view of the same filter (only redrawn when it is counted in squares). */
  async function loadMap(params, fit) {
    const query = new URLSearchParams(params);
    query.set("zoom", String(map.getZoom()));
    if (!fit) query.set("bbox", viewBox());
    const ticket = ++mapState.ticket;
    const data = await getJSON("/api/map?" + query);
    if (ticket !== mapState.ticket) return;  // a newer view or filter is loading
    mapState.params = new URLSearchParams(params);
    mapState.aggregated = data.aggregated;
    cluster.clearLayers();
    squares.clearLayers();
    if (data.aggregated) {
      for (const f of data.features) squares.addLayer(squareMarker(f));
    } else {
      cluster.addLayers(data.features.map(pointMarker));
    }
    if (fit) {
      showCounts(data);
      if (data.features.length && params.toString()) {
        const bounds = data.aggregated
          ? L.latLngBounds(data.features.map((f) => [[f.properties.bounds[0], f.properties.bounds[1]],
                                                      [f.properties.bounds[2], f.properties.bounds[3]]]).flat())
          : cluster.getBounds();
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 8 });
      }
    } else if (mapState.counts) {
      showCounts(Object.assign({}, mapState.counts, { aggregated: data.aggregated }));
    }
  }

  let viewTimer = null;
  map.on("moveend", () => {
    if (!mapState.aggregated) return;  // every point is drawn already
    clearTimeout(viewTimer);
    viewTimer = setTimeout(() => loadMap(mapState.params, false).catch(() => { /* keep the old squares */ }), 150);
  });

  document.getElementById("unlocated-link").addEventListener("click", () => {
    form.elements.located.value = "false";
    submit();
    document.getElementById("events").scrollIntoView({ block: "start" });
  });

  /* ---- timeline ---- */
  const svg = document.getElementById("timeline");
  const SVGNS = "http://www.w3.org/2000/svg";
  const timeline = { days: [], start: null, end: null, width: 600, height: 140, pad: 20 };

  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  }
  const dayMs = 86400000;
  const toDay = (s) => Date.parse(s + "T00:00:00Z");
  const fromMs = (ms) => new Date(ms).toISOString().slice(0, 10);

  /* Leave out the thinnest tails (0.5% of events at each end) when they stretch the axis
     to more than twice the span of the rest: a few misdated events should not squash it. */
  function trimTails(days) {
    const sizes = days.map((d) => Object.values(d.counts).reduce((a, b) => a + b, 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    let lo = 0, hi = days.length - 1, cut = 0;
    while (lo < hi && cut + sizes[lo] <= total * 0.005) cut += sizes[lo++];
    while (hi > lo && cut + sizes[hi] <= total * 0.01) cut += sizes[hi--];
    const full = toDay(days[days.length - 1].date) - toDay(days[0].date);
    const kept = toDay(days[hi].date) - toDay(days[lo].date);
    if (!cut || kept * 2 > full) return { days, hidden: 0 };
    return { days: days.slice(lo, hi + 1), hidden: cut };
  }

  function drawTimeline(data) {
    const trimmed = data.days.length ? trimTails(data.days) : { days: [], hidden: 0 };
    data = { days: trimmed.days };
    document.getElementById("timeline-note").textContent =
      trimmed.hidden ? "(" + trimmed.hidden + " " + t("t.hidden") + ")" : "";
    timeline.days = data.days;
    svg.replaceChildren();
    const width = svg.clientWidth || 600;
    const height = timeline.height;
    const pad = timeline.pad;
    timeline.width = width;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    if (!data.days.length) return;
    timeline.start = toDay(data.days[0].date);
    timeline.end = toDay(data.days[data.days.length - 1].date) + dayMs;
    const span = Math.max(timeline.end - timeline.start, dayMs);
    const xOf = (ms) => pad + ((ms - timeline.start) / span) * (width - 2 * pad);
    timeline.xOf = xOf;
    timeline.msOf = (x) => timeline.start + ((x - pad) / (width - 2 * pad)) * span;
    let max = 1;
    for (const d of data.days) max = Math.max(max, Object.values(d.counts).reduce((a, b) => a + b, 0));
    const barW = Math.max(1, (width - 2 * pad) * dayMs / span - 0.5);
    const plot = height - pad;
    const types = new Set();
    for (const d of data.days) {
      let y = plot;
      const x = xOf(toDay(d.date));
      for (const [type, n] of Object.entries(d.counts).sort()) {
        types.add(type);
        const h = (n / max) * (plot - 6);
        y -= h;
        const bar = svgEl("rect", { x: x, y: y, width: barW, height: h, fill: typeColor(type), class: "bar" });
        bar.append(svgEl("title", {}));
        bar.firstChild.textContent = d.date + " " + type + ": " + n;
        svg.append(bar);
      }
    }
    svg.append(svgEl("line", { x1: pad, x2: width - pad, y1: plot, y2: plot, class: "axis" }));
    for (const ms of [timeline.start, timeline.end - dayMs]) {
      const label = svgEl("text", { x: xOf(ms), y: height - 4, class: "tick",
        "text-anchor": ms === timeline.start ? "start" : "end" });
      label.textContent = fromMs(ms);
      svg.append(label);
    }
    const yLabel = svgEl("text", { x: pad, y: 10, class: "tick" });
    yLabel.textContent = String(max);
    svg.append(yLabel);
    timeline.brush = svgEl("rect", { class: "brush", x: 0, y: 0, width: 0, height: plot, visibility: "hidden" });
    svg.append(timeline.brush);
    showBrush(form.elements.since.value, form.elements.until.value);
    const legend = document.getElementById("legend");
    legend.replaceChildren(...Array.from(types).sort().map((type) =>
      el("li", {}, el("span", { class: "swatch type-" + type }), typeLabel(type))));
  }

  function showBrush(since, until) {
    if (!timeline.brush || !timeline.xOf || (!since && !until)) {
      if (timeline.brush) timeline.brush.setAttribute("visibility", "hidden");
      return;
    }
    const a = since ? timeline.xOf(Math.max(toDay(since), timeline.start)) : timeline.xOf(timeline.start);
    const b = until ? timeline.xOf(Math.min(toDay(until) + dayMs, timeline.end)) : timeline.xOf(timeline.end);
    timeline.brush.setAttribute("x", Math.min(a, b));
    timeline.brush.setAttribute("width", Math.max(1, Math.abs(b - a)));
    timeline.brush.setAttribute("visibility", "visible");
  }

  function svgX(event) {
    const box = svg.getBoundingClientRect();
    return (event.clientX - box.left) * (timeline.width / box.width);
  }
  let dragFrom = null;
  svg.addEventListener("pointerdown", (event) => {
    if (!timeline.xOf) return;
    dragFrom = svgX(event);
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener("pointermove", (event) => {
    if (dragFrom === null) return;
    const x = svgX(event);
    timeline.brush.setAttribute("x", Math.min(x, dragFrom));
    timeline.brush.setAttribute("width", Math.abs(x - dragFrom));
    timeline.brush.setAttribute("visibility", "visible");
  });
  svg.addEventListener("pointerup", (event) => {
    if (dragFrom === null) return;
    const x = svgX(event);
    const [a, b] = [Math.min(x, dragFrom), Math.max(x, dragFrom)];
    dragFrom = null;
    if (b - a < 3) return;
    const clamp = (ms) => Math.min(Math.max(ms, timeline.start), timeline.end - dayMs);
    form.elements.since.value = fromMs(clamp(timeline.msOf(a)));
    form.elements.until.value = fromMs(clamp(timeline.msOf(b)));
    submit();
  });
  svg.addEventListener("dblclick", () => {
    form.elements.since.value = "";
    form.elements.until.value = "";
    submit();
  });

  async function loadTimeline(params) {
    const query = new URLSearchParams(params);
    query.delete("since");
    query.delete("until");
    drawTimeline(await getJSON("/api/timeline?" + query));
  }

  /* ---- table ---- */
  function row(p) {
    const actors = [p.actor1_name, p.actor2_name].filter(Boolean).join(" → ");
    const place = [p.location_name, p.admin1, p.country].filter(Boolean).join(", ");
    const sentence = p.sentence || "";
    const docId = (p.document_ids || [])[0];
    const link = el("a", { href: "/events/" + encodeURIComponent(p.id) }, p.date || "—");
    const sentenceCell = el("td", { class: "sentence", lang: "ar", dir: "rtl" },
      docId ? el("a", { href: "/documents/" + encodeURIComponent(docId) }, sentence.length > 160 ? sentence.slice(0, 160) + "…" : sentence)
            : sentence);
    return el("tr", { "data-id": p.id, "data-type": p.plover_type || "" },
      el("td", {}, link),
      el("td", {}, el("span", { class: "chip type-" + (p.plover_type || "OTHER") }, typeLabel(p.plover_type || "OTHER"))),
      el("td", { dir: "auto" }, actors || "—"),
      el("td", { dir: "auto" }, place || "—"),
      el("td", { class: "num" }, p.fatalities == null ? "—" : p.fatalities),
      el("td", { class: "num" }, p.source_count == null ? "" : p.source_count),
      sentenceCell);
  }

  function renderTable() {
    let rows = state.rows;
    if (state.sort) {
      const key = state.sort;
      const sign = state.desc ? -1 : 1;
      rows = rows.slice().sort((a, b) => {
        const x = a[key], y = b[key];
        if (x == null && y == null) return 0;
        if (x == null) return 1;
        if (y == null) return -1;
        return (x < y ? -1 : x > y ? 1 : 0) * sign;
      });
    }
    tbody.replaceChildren(...rows.map(row));
    document.getElementById("total").textContent = String(state.total);
    moreButton.hidden = state.rows.length >= state.total;
    for (const button of document.querySelectorAll("#events th button")) {
      const key = button.getAttribute("data-sort");
      button.parentElement.setAttribute("aria-sort",
        key === state.sort ? (state.desc ? "descending" : "ascending") : "none");
    }
  }

  async function loadTable(params, append) {
    const query = new URLSearchParams(params);
    query.set("limit", String(PAGE));
    query.set("offset", String(append ? state.rows.length : 0));
    const data = await getJSON("/api/events?" + query);
    state.rows = append ? state.rows.concat(data.events) : data.events;
    state.total = data.total;
    renderTable();
  }

  for (const button of document.querySelectorAll("#events th button")) {
    button.addEventListener("click", () => {
      const key = button.getAttribute("data-sort");
      state.desc = state.sort === key ? !state.desc : key !== "location_name" && key !== "actor1_name" && key !== "plover_type";
      state.sort = key;
      renderTable();
    });
  }
  moreButton.addEventListener("click", () => loadTable(currentFilters(), true));

  /* ---- wiring ---- */
  let loading = 0;
  async function load() {
    const params = currentFilters();
    const ticket = ++loading;
    document.body.classList.add("loading");
    try {
      await Promise.all([loadTable(params, false), loadMap(params, true), loadTimeline(params)]);
    } catch (error) {
      document.getElementById("map-note").textContent = String(error.message || error);
    } finally {
      if (ticket === loading) document.body.classList.remove("loading");
      document.body.setAttribute("data-loaded", String(ticket));
    }
  }

  function submit() {
    const params = currentFilters();
    history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
    load();
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); submit(); });
  form.addEventListener("reset", () => setTimeout(submit, 0));
  /* ---- the filters' choices: types, countries by name in the page's language, actors ---- */
  function countryLabel(option) {
    const name = window.rasd.lang === "ar" ? option.dataset.nameAr : option.dataset.name;
    return (name || option.value) + " (" + option.dataset.events + ")";
  }

  function relabelCountries() {
    for (const option of form.elements.country.options) {
      if (option.dataset.events) option.textContent = countryLabel(option);
    }
  }

  function keepFirstOption(select) {
    while (select.options.length > 1) select.remove(1);
  }

  async function loadChoices() {
    const [stats, countries, actors] = await Promise.all([
      getJSON("/api/stats"), getJSON("/api/countries"), getJSON("/api/actors?limit=300")]);
    const typeSelect = form.elements.type;
    keepFirstOption(typeSelect);
    for (const type of Object.keys(stats.by_type || {}).sort()) {
      typeSelect.append(el("option", { value: type }, type + " (" + stats.by_type[type] + ")"));
    }
    const countrySelect = form.elements.country;
    keepFirstOption(countrySelect);
    for (const c of countries.countries || []) {
      const option = el("option", { value: c.iso3, "data-name": c.name, "data-name-ar": c.name_ar,
                                    "data-events": c.events });
      option.textContent = countryLabel(option);
      countrySelect.append(option);
    }
    const list = document.getElementById("actor-list");
    list.replaceChildren(...(actors.actors || []).map((a) => el("option", { value: a.name })));
    document.getElementById("empty-store").hidden = (stats.documents || 0) > 0;
  }

  /* ---- an empty store: how to ingest, and the bundled sample ---- */
  const sampleButton = document.getElementById("load-sample");
  sampleButton.addEventListener("click", async () => {
    const note = document.getElementById("sample-note");
    sampleButton.disabled = true;
    note.textContent = t("z.loading");
    try {
      await getJSON("/api/sample", { method: "POST", body: "{}",
        headers: { Accept: "application/json", "Content-Type": "application/json" } });
      note.textContent = "";
      await loadChoices();
      submit();
    } catch (error) {
      note.textContent = String(error.message || error);  // e.g. a token is required
    } finally {
      sampleButton.disabled = false;
    }
  });

  document.addEventListener("rasd:lang", () => {
    relabelCountries();
    if (state.rows.length) renderTable();
    if (mapState.counts) showCounts(mapState.counts);
  });

  async function init() {
    try {
      await loadChoices();
    } catch (error) { /* the filters still work as free text */ }
    fillForm(new URLSearchParams(location.search));
    load();
  }
  init();
})();
