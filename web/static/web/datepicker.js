// The date picker of every date input marked data-datepicker (flatpickr, served from our
// static files: web/static/web/vendor/flatpickr-4.6.13/README.md). The field stays a typed
// day-first text field — what the server parses (web/screens/dates.py DAY_FORMATS):
// jj/mm/aaaa, jj/mm/aa, jj.mm.aaaa or ISO — and the calendar is a help beside it, in the
// page's language (<html lang>): French months, Monday first. No inline script or style
// (Content-Security-Policy): this file is loaded by web/_datepicker.html.
(function () {
  "use strict";

  const DAY_FIRST = /^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})\s*$/;
  const ISO = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/;

  // The same readings as the server's DAY_FORMATS; undefined when the text is not a day.
  function readDay(text) {
    let day, month, year;
    let m = DAY_FIRST.exec(text || "");
    if (m) {
      day = +m[1]; month = +m[2]; year = m[3].length === 2 ? 2000 + +m[3] : +m[3];
    } else if ((m = ISO.exec(text || ""))) {
      year = +m[1]; month = +m[2]; day = +m[3];
    } else {
      return undefined;
    }
    const date = new Date(year, month - 1, day);
    const real = date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
    return real ? date : undefined;
  }

  function readDate(value) {
    if (value instanceof Date) return value;
    return readDay(String(value));
  }

  // A text the picker cannot read is left as typed, for the server to name the problem
  // (flatpickr would empty the field on blur or Enter): its own handlers are not reached.
  function keepUnreadable(input) {
    const guard = function (event) {
      if (event.type === "keydown" && event.key !== "Enter") return;
      if (input.value.trim() && readDay(input.value) === undefined) event.stopImmediatePropagation();
    };
    input.addEventListener("blur", guard);
    input.addEventListener("keydown", guard);
  }

  function options(input) {
    const french = (document.documentElement.lang || "fr").toLowerCase().startsWith("fr");
    // English as written in Europe (day first, Monday first), as the screens' dates are
    const locale = french && window.flatpickr.l10ns.fr ? window.flatpickr.l10ns.fr : { firstDayOfWeek: 1 };
    return {
      locale: locale,
      dateFormat: "d/m/Y",
      ariaDateFormat: "l j F Y",
      allowInput: true,        // typing stays the first way in (keyboard, screen readers)
      disableMobile: true,     // the same calendar in the customer's language on a phone
      monthSelectorType: "static",
      animate: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      parseDate: readDate,
      minDate: input.dataset.min ? readDay(input.dataset.min) : undefined,
      maxDate: input.dataset.max ? readDay(input.dataset.max) : undefined,
      onReady: function (dates, text, picker) {
        if (french) picker.calendarContainer.setAttribute("lang", "fr");
      },
    };
  }

  function setUp(root) {
    if (!window.flatpickr) return;
    root.querySelectorAll("input[data-datepicker]").forEach(function (input) {
      if (input._flatpickr) return;
      if (!input.dataset.datepickerGuarded) {
        keepUnreadable(input);
        input.dataset.datepickerGuarded = "1";
      }
      window.flatpickr(input, options(input));
    });
  }

  // htmx history restores a page's saved HTML: the calendars in it are dead copies.
  function restored() {
    document.querySelectorAll(".flatpickr-calendar").forEach(function (el) { el.remove(); });
    document.querySelectorAll("input[data-datepicker]").forEach(function (input) {
      delete input._flatpickr;
      delete input.dataset.datepickerGuarded;
    });
    setUp(document);
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
  document.addEventListener("htmx:historyRestore", restored);
})();
