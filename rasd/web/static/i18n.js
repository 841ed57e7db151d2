/* Labels in English and Arabic, the language toggle, and small DOM helpers shared by
   every page. Data from the server is only ever put in the page with textContent. */
"use strict";
(function () {
  const LABELS = {
    en: {
      "nav.map": "Event map", "nav.extract": "Paste an article", "nav.docs": "API",
      "f.type": "Type", "f.any": "any", "f.actor": "Actor", "f.country": "Country",
      "f.admin1": "Province", "f.since": "From", "f.until": "To", "f.text": "Text",
      "f.apply": "Apply", "f.reset": "Reset", "s.events": "events",
      "t.title": "Events per day",
      "t.help": "Drag across the chart to filter by dates; double-click to clear.",
      "t.hidden": "events on days far outside this range are not drawn",
      "c.date": "Date", "c.type": "Type", "c.actors": "Actors", "c.location": "Location",
      "c.fatalities": "Killed", "c.sources": "Sources", "c.sentence": "Sentence",
      "p.more": "Load more", "d.original": "original", "d.events": "Events",
      "d.help": "Click a field to see the words it was read from.",
      "d.none": "No events found in this text.",
      "e.trigger": "Trigger", "e.actor1": "Actor 1", "e.actor2": "Actor 2",
      "e.location": "Location", "e.date": "Date", "e.fatalities": "Killed",
      "e.injuries": "Injured", "e.attribution": "According to", "e.sentence": "Sentence",
      "e.acled": "ACLED", "e.reports": "Reports", "e.negated": "denied",
      "e.hypothetical": "conditional", "e.historical": "earlier period",
      "x.title": "Paste an article",
      "x.help": "Arabic news text or a whole HTML page. Nothing is stored.",
      "x.published": "Published", "x.titlefield": "Title", "x.html": "HTML",
      "x.run": "Extract", "x.json": "JSON record", "x.running": "Extracting…",
      "n.title": "Not found", "n.text": "Nothing is stored under",
      "a.spec": "OpenAPI document:", "m.nocoords": "without coordinates are not on the map",
      "m.capped": "the map shows the first",
      "f.located": "Place", "f.located.true": "on the map", "f.located.false": "without a place",
      "m.onmap": "on the map", "m.noplace": "without a place",
      "m.squares": "(counted in squares: zoom in or click a square for single events)",
      "z.title": "The store is empty",
      "z.cli": "Ingest articles (files, folders, feeds or WARC archives) into the database this server reads:",
      "z.sample.help": "Or store the bundled sample article to look around:",
      "z.sample": "Load the sample article", "z.loading": "Extracting the sample…",
      "ent.PERSON": "person", "ent.ORG": "organisation", "ent.LOC": "place",
      "ent.DATE": "date", "ent.NUM": "number", "ent.TRIGGER": "event trigger",
    },
    ar: {
      "nav.map": "خريطة الأحداث", "nav.extract": "الصق مقالاً", "nav.docs": "الواجهة البرمجية",
      "f.type": "النوع", "f.any": "الكل", "f.actor": "الفاعل", "f.country": "البلد",
      "f.admin1": "المحافظة", "f.since": "من", "f.until": "إلى", "f.text": "نص",
      "f.apply": "تطبيق", "f.reset": "مسح", "s.events": "حدثاً",
      "t.title": "الأحداث يومياً",
      "t.help": "اسحب على الرسم لتصفية التواريخ، وانقر مرتين للإلغاء.",
      "t.hidden": "حدثاً في أيام بعيدة عن هذا المدى لا تظهر في الرسم",
      "c.date": "التاريخ", "c.type": "النوع", "c.actors": "الفاعلون", "c.location": "المكان",
      "c.fatalities": "القتلى", "c.sources": "المصادر", "c.sentence": "الجملة",
      "p.more": "المزيد", "d.original": "الأصل", "d.events": "الأحداث",
      "d.help": "انقر على حقل لترى الكلمات التي استُخرج منها.",
      "d.none": "لم يُعثر على أحداث في هذا النص.",
      "e.trigger": "الكلمة الدالة", "e.actor1": "الفاعل الأول", "e.actor2": "الفاعل الثاني",
      "e.location": "المكان", "e.date": "التاريخ", "e.fatalities": "القتلى",
      "e.injuries": "الجرحى", "e.attribution": "المصدر", "e.sentence": "الجملة",
      "e.acled": "تصنيف ACLED", "e.reports": "التقارير", "e.negated": "منفي",
      "e.hypothetical": "مشروط", "e.historical": "سابق",
      "x.title": "الصق مقالاً", "x.help": "نص خبر عربي أو صفحة HTML كاملة. لا يُحفظ شيء.",
      "x.published": "تاريخ النشر", "x.titlefield": "العنوان", "x.html": "HTML",
      "x.run": "استخراج", "x.json": "السجل بصيغة JSON", "x.running": "جارٍ الاستخراج…",
      "n.title": "غير موجود", "n.text": "لا يوجد شيء محفوظ باسم",
      "a.spec": "وثيقة OpenAPI:", "m.nocoords": "بلا إحداثيات لا تظهر على الخريطة",
      "m.capped": "تعرض الخريطة أول",
      "f.located": "المكان", "f.located.true": "على الخريطة", "f.located.false": "بلا مكان معروف",
      "m.onmap": "على الخريطة", "m.noplace": "بلا مكان معروف",
      "m.squares": "(معدودة في مربعات: قرّب الخريطة أو انقر على مربع لرؤية الأحداث منفردة)",
      "z.title": "قاعدة البيانات فارغة",
      "z.cli": "أدخل المقالات (ملفات أو مجلدات أو خلاصات أو أرشيفات WARC) في قاعدة البيانات التي يقرؤها هذا الخادم:",
      "z.sample.help": "أو احفظ المقال النموذجي المرفق لتجربة الواجهة:",
      "z.sample": "تحميل المقال النموذجي", "z.loading": "جارٍ استخراج المقال النموذجي…",
      "ent.PERSON": "شخص", "ent.ORG": "منظمة", "ent.LOC": "مكان",
      "ent.DATE": "تاريخ", "ent.NUM": "عدد", "ent.TRIGGER": "كلمة الحدث",
      "type.ASSAULT": "اعتداء", "type.COERCE": "إكراه", "type.PROTEST": "احتجاج",
      "type.MOBILIZE": "تعبئة", "type.THREATEN": "تهديد", "type.SANCTION": "عقوبات",
      "type.ACCUSE": "اتهام", "type.REJECT": "رفض", "type.REQUEST": "طلب",
      "type.RETREAT": "انسحاب", "type.AID": "مساعدة", "type.COOPERATE": "تعاون",
      "type.CONCEDE": "تنازل", "type.SUPPORT": "تأييد", "type.CONSULT": "مشاورات",
      "type.AGREE": "اتفاق", "type.OTHER": "أخرى",
    },
  };

  const STORE_KEY = "rasd.lang";
  let lang = "en";
  try { lang = localStorage.getItem(STORE_KEY) === "ar" ? "ar" : "en"; } catch (e) { /* private mode */ }

  function t(key, fallback) {
    const table = LABELS[lang];
    if (Object.prototype.hasOwnProperty.call(table, key)) return table[key];
    if (Object.prototype.hasOwnProperty.call(LABELS.en, key)) return LABELS.en[key];
    return fallback !== undefined ? fallback : key;
  }

  function typeLabel(type) {
    return lang === "ar" ? t("type." + type, type) : type;
  }

  function apply() {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.getAttribute("data-i18n"), node.textContent);
    }
    const button = document.getElementById("lang-toggle");
    if (button) button.textContent = lang === "ar" ? "English" : "العربية";
    document.dispatchEvent(new CustomEvent("rasd:lang", { detail: lang }));
  }

  /* el("td", {class: "x", dir: "rtl"}, "text", child…) — attributes and text, never HTML. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function getJSON(url, options) {
    const response = await fetch(url, Object.assign({ headers: { Accept: "application/json" } }, options || {}));
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const message = body && body.error ? body.error.message : response.statusText;
      throw new Error(message);
    }
    return body;
  }

  window.rasd = {
    t, typeLabel, el, getJSON,
    get lang() { return lang; },
    hasArabic: (s) => /[\u0600-\u06FF]/.test(s || ""),
  };

  document.addEventListener("DOMContentLoaded", () => {
    apply();
    const button = document.getElementById("lang-toggle");
    if (button) {
      button.addEventListener("click", () => {
        lang = lang === "ar" ? "en" : "ar";
        try { localStorage.setItem(STORE_KEY, lang); } catch (e) { /* ignore */ }
        apply();
      });
    }
  });
})();
