/* Small form behaviours, in a file because the CSP allows no inline script or on* handler.
 *
 * <select data-autosubmit>: submits its form when the choice changes (the filter above a list).
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
