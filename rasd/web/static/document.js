/* /documents/{id}: render the stored record embedded in the page. */
"use strict";
(function () {
  const data = document.getElementById("record");
  const record = JSON.parse(data.textContent);
  const view = window.rasd.article.render(record, {
    text: document.getElementById("doc-text"),
    list: document.getElementById("event-list"),
    count: document.getElementById("event-count"),
    legend: document.getElementById("ent-legend"),
  });
  const match = /^#event-(\d+)$/.exec(location.hash);
  if (match) {
    const ev = (record.events || [])[Number(match[1])];
    if (ev) view.select(Number(match[1]), ev.span);
  }
  document.body.setAttribute("data-ready", "1");
})();
