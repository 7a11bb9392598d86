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
