/* /docs: Swagger UI from local files when the server has them, else a plain list of the
   endpoints read from /openapi.json. */
"use strict";
(function () {
  const { el, getJSON } = window.rasd;
  if (window.SwaggerUIBundle) {
    window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
    return;
  }
  getJSON("/openapi.json").then((spec) => {
    const box = document.getElementById("endpoint-list");
    for (const [path, ops] of Object.entries(spec.paths || {})) {
      for (const [method, op] of Object.entries(ops)) {
        const params = (op.parameters || []).map((p) => p.name + (p.required ? "*" : "")).join(", ");
        box.append(el("section", { class: "endpoint" },
          el("h2", {}, el("code", {}, method.toUpperCase() + " " + path)),
          el("p", {}, op.summary || ""),
          params ? el("p", { class: "muted" }, "parameters: " + params) : null,
          op.requestBody ? el("p", { class: "muted" }, "body: JSON (" + Object.keys((op.requestBody.content || {})).join(", ") + ")") : null));
      }
    }
  });
})();
