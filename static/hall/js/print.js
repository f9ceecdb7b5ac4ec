/* Buttons marked data-print print the page (guides, reports): the browser's own print, laid out by @media print. */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
