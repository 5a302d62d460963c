// The account forms' two small helps, on top of pages that work without them:
//
// 1. The nationality field (`input[data-asked-for]`, accounts.forms.CountryInput) is
//    shown only while the chosen document type is one that asks for it (a foreign
//    passport); for the others it is hidden and disabled, so it is not sent either. The
//    server ignores it for those types anyway, and checks a permanent residence card's
//    against its number.
// 2. After a code was sent, the "获取验证码" button (`[data-resend-seconds]`) waits out
//    the seconds before another may be asked for, counting them down in its label
//    (`data-resend-label`, "…{n}…", in the page's language).
(function () {
  "use strict";

  function words(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  function nationalityFollowsDocument(input) {
    var form = input.form;
    var select = form && form.elements.namedItem(input.dataset.documentField || "doc_type");
    var wrapper = input.closest("[data-field]");
    if (!select || !wrapper) {
      return;
    }
    var asked = words(input.dataset.askedFor);
    function update() {
      var shown = asked.indexOf(select.value) !== -1;
      wrapper.hidden = !shown;
      input.disabled = !shown;
    }
    select.addEventListener("change", update);
    update();
  }

  function resendWaits(button) {
    var left = parseInt(button.dataset.resendSeconds, 10);
    var label = button.dataset.resendLabel || "{n}";
    var ready = button.textContent;
    if (!(left > 0)) {
      return;
    }
    function tick() {
      if (left <= 0) {
        button.disabled = false;
        button.textContent = ready;
        return;
      }
      button.disabled = true;
      button.textContent = label.replace("{n}", String(left));
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  document.querySelectorAll("input[data-asked-for]").forEach(nationalityFollowsDocument);
  document.querySelectorAll("button[data-resend-seconds]").forEach(resendWaits);
})();
