// Every page: buttons marked data-print open the print dialog (the Content-Security-Policy allows no inline
// onclick). Without this script browsers still print from their own menu.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
