/* Registry partner pickers (Content-Security-Policy: script-src 'self', so no inline script).
   gonghui/services/partner_picker.py renders <select data-partner-picker> (multiple, or one
   partner) whose options carry data-pinyin/data-initials; tom-select makes it searchable by
   name, full pinyin or initials. Without JavaScript it stays a plain select. */
(function () {
  "use strict";

  function picker(el) {
    return new TomSelect(el, {
      create: false,
      plugins: el.multiple ? ["remove_button"] : [],
      searchField: ["text", "pinyin", "initials"],
      maxOptions: null,
      placeholder: el.dataset.placeholder || "",
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(el.dataset.noResults || "") + "</div>";
        },
      },
    });
  }

  function ready() {
    if (!window.TomSelect) return;
    document.querySelectorAll("select[data-partner-picker]").forEach(function (el) {
      if (!el.tomselect) picker(el);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  document.addEventListener("htmx:afterSettle", ready);
})();
