// anjian hazards: small behaviours for the report and step forms. No inline scripts (strict CSP).
(function () {
  "use strict";

  // A slow network on a phone: show that the form is being sent and stop a second tap.
  // (A second submission would be harmless anyway: the report carries an idempotency key.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy-form")) return;
    var button = event.submitter || form.querySelector("[type=submit]");
    window.setTimeout(function () {
      // After the submission has been built, so that the pressed button's value is still sent.
      form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = true; });
      if (button && button.dataset.busy) button.textContent = button.dataset.busy;
    }, 0);
  });

  // Enter in the unit search box searches instead of submitting the report.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el instanceof HTMLInputElement && el.hasAttribute("data-no-submit")) {
      event.preventDefault();
      el.dispatchEvent(new Event("search", { bubbles: true }));
    }
  });

  // The default deadline follows the level (一般 7 days, 重大 30) until the user sets one.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLInputElement) || el.name !== "level") return;
    var deadline = el.form && el.form.querySelector("input[name=deadline]");
    if (!deadline || !deadline.dataset.general) return;
    var untouched = deadline.value === deadline.dataset.general || deadline.value === deadline.dataset.major;
    if (untouched) deadline.value = el.value === "major" ? deadline.dataset.major : deadline.dataset.general;
  });
})();
