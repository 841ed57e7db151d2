/* /extract: send the pasted article to POST /api/extract and show the record. */
"use strict";
(function () {
  const { t, getJSON } = window.rasd;
  const form = document.getElementById("extract-form");
  const status = document.getElementById("extract-status");
  const result = document.getElementById("result");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const content = (data.get("text") || "").toString();
    const body = { published: data.get("published") || null, title: data.get("title") || null };
    body[data.get("is_html") ? "html" : "text"] = content;
    status.textContent = t("x.running");
    try {
      const record = await getJSON("/api/extract", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      status.textContent = "";
      document.getElementById("result-title").textContent = record.document.title || "";
      document.getElementById("result-json").textContent = JSON.stringify(record, null, 2);
      result.hidden = false;
      window.rasd.article.render(record, {
        text: document.getElementById("doc-text"),
        list: document.getElementById("event-list"),
        count: document.getElementById("event-count"),
        legend: document.getElementById("ent-legend"),
      });
      document.body.setAttribute("data-ready", "1");
    } catch (error) {
      status.textContent = String(error.message || error);
    }
  });
})();
