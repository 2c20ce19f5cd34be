/* Org pickers (Content-Security-Policy: script-src 'self', so no inline script).
   gonghui/orgs/forms.py renders <select data-org-picker> (few orgs: every option carries
   data-name/data-pinyin/data-initials, searched here) or <input data-org-picker
   data-search-url data-permission [data-types data-under]> (many: each keystroke asks
   GET /api/v1/orgs/search, which matches name, full pinyin and initials in the user's scope and
   ranks exact/prefix first).
   Either way the submitted value is the org's code and the page shows only names; without
   JavaScript the same fields work as a plain <select> or a text box resolved by the server. */
(function () {
  "use strict";

  function key(text) {
    return (text || "").toLowerCase().replace(/[^a-z0-9]/g, "");
  }

  function matches(option, query) {
    const q = query.trim();
    if (!q) return true;
    const k = key(q);
    return (option.name || "").indexOf(q) >= 0 ||
      (k && ((option.pinyin || "").indexOf(k) >= 0 || (option.initials || "").indexOf(k) >= 0)) ||
      (option.code || "").indexOf(q.toUpperCase()) === 0;
  }

  const render = {
    option: function (data, escape) {
      const parent = data.parent_name ? '<small class="muted"> · ' + escape(data.parent_name) + "</small>" : "";
      return "<div>" + escape(data.text || data.name) + parent + "</div>";
    },
    item: function (data, escape) {
      return "<div>" + escape(data.name || data.text) + "</div>";
    },
  };

  function renderFor(el) {
    return Object.assign({}, render, {
      no_results: function (data, escape) {
        return '<div class="no-results">' + escape(el.dataset.noResults || "") + "</div>";
      },
    });
  }

  function remote(el) {
    const initial = el.dataset.code ? [{code: el.dataset.code, name: el.dataset.label || el.value}] : [];
    el.value = el.dataset.code || "";
    return new TomSelect(el, {
      maxItems: 1,
      create: false,
      valueField: "code",
      labelField: "name",
      searchField: [],
      options: initial,
      items: initial.map(function (o) { return o.code; }),
      placeholder: el.getAttribute("placeholder"),
      maxOptions: 20,
      loadThrottle: 200,
      score: function (query) {
        return function (item) { return matches(item, query) ? 1 : 0; };
      },
      load: function (query, callback) {
        const self = this;
        const params = {q: query, permission: el.dataset.permission || ""};
        if (el.dataset.types) params.types = el.dataset.types;
        if (el.dataset.under) params.under = el.dataset.under;
        const url = el.dataset.searchUrl + "?" + new URLSearchParams(params);
        fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (rows) { self.clearOptions(); callback(rows); })
          .catch(function () { callback(); });
      },
      render: renderFor(el),
    });
  }

  function local(el) {
    return new TomSelect(el, {
      maxItems: 1,
      create: false,
      allowEmptyOption: !el.required,
      // "text" also lets a plain <select data-org-picker> of names be searched by name
      searchField: ["text", "pinyin", "initials"],
      maxOptions: null,
      render: renderFor(el),
    });
  }

  function ready() {
    if (!window.TomSelect) return;
    document.querySelectorAll("[data-org-picker]").forEach(function (el) {
      if (el.tomselect) return;
      el.tomselect = el.tagName === "SELECT" ? local(el) : remote(el);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  // rows and forms swapped in by htmx get their pickers too
  document.addEventListener("htmx:afterSettle", ready);
})();
