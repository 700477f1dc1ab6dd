// Site-wide behaviour, kept out of the pages: the Content-Security-Policy runs no inline
// script or handler (relance/settings.py). A <select data-autosubmit> sends its form.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
