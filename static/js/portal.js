// Behaviour every page shares, wired by data- attributes instead of inline handlers (the Content-Security-Policy
// allows no inline script). Delegated from the document, so that content htmx swaps in works too.
//   <select data-submit-on-change>  submits its form when the choice changes (year pickers, the language)
//   <button data-print>             prints the page
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
// <table class="table-cards">  on a phone each row shows as a card (portal.css); each cell gets its column's name
//                              as data-label, read from the table's header.
function labelCardCells(root) {
  root.querySelectorAll("table.table-cards").forEach((table) => {
    const names = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      let column = 0;
      Array.from(row.cells).forEach((cell) => {
        if (names[column] && !cell.hasAttribute("colspan")) cell.dataset.label = names[column];
        column += cell.colSpan || 1;
      });
    });
  });
}
labelCardCells(document);
document.addEventListener("htmx:afterSwap", () => labelCardCells(document));
