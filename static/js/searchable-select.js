// Long selects (a county's 150 plates, its enterprises and projects) become searchable lists: type part of a
// plate or a name to narrow them (Tom Select, vendored in static/vendor/tom-select). Wired by the attribute
// data-searchable that core.forms.SearchableSelect gives; without JavaScript the plain select still works.
document.querySelectorAll("select[data-searchable]").forEach((select) => {
  const noResults = select.dataset.noResults || "";
  new TomSelect(select, {
    allowEmptyOption: true,
    maxOptions: null,
    plugins: select.multiple ? ["remove_button"] : [],
    render: {
      no_results: () => {
        const div = document.createElement("div");
        div.className = "no-results";
        div.textContent = noResults;
        return div;
      },
    },
  });
});
