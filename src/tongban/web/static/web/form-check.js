// Checks a form marked `data-check` as the applicant types, with the browser's own
// constraint checks (required, pattern, min, max, maxlength, type) and the page's own
// words: each field carries its messages as data-msg-* attributes, written on the server
// in the page's language. The message goes under the field (Bootstrap's is-invalid and
// invalid-feedback, as the server renders its own errors); submitting is stopped while a
// field is invalid, and the first such field gets the focus. Without this script the
// server checks the same rules and answers with the same messages.
(function () {
  "use strict";
  // Which message answers which failed check, in the order they are looked at (a half-typed
  // date is missing as well as bad: the applicant is told how to write it).
  var CHECKS = [
    ["badInput", "msgType"], ["valueMissing", "msgRequired"], ["typeMismatch", "msgType"],
    ["patternMismatch", "msgPattern"], ["tooShort", "msgMinlength"], ["tooLong", "msgMaxlength"],
    ["rangeUnderflow", "msgMin"], ["rangeOverflow", "msgMax"], ["stepMismatch", "msgStep"],
  ];

  function messageFor(field) {
    if (field.validity.valid) {
      return "";
    }
    for (var i = 0; i < CHECKS.length; i++) {
      if (field.validity[CHECKS[i][0]]) {
        return field.dataset[CHECKS[i][1]] || field.validationMessage;
      }
    }
    return field.validationMessage;
  }

  function describedBy(field, id, add) {
    var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (add) {
      ids.push(id);
    }
    if (ids.length) {
      field.setAttribute("aria-describedby", ids.join(" "));
    } else {
      field.removeAttribute("aria-describedby");
    }
  }

  // Shows the field's message under it, or takes it away; true when the field is valid.
  // The server's message for a field stays until the field is changed.
  function show(field) {
    var message = messageFor(field);
    var id = field.id + "_error";
    var feedback = document.getElementById(id);
    if (!message && !field.dataset.changed) {
      return true;
    }
    field.classList.toggle("is-invalid", Boolean(message));
    if (message) {
      field.setAttribute("aria-invalid", "true");
    } else {
      field.removeAttribute("aria-invalid");
    }
    describedBy(field, id, Boolean(message));
    if (!message) {
      if (feedback) {
        feedback.remove();
      }
      return true;
    }
    if (!feedback) {
      feedback = document.createElement("div");
      feedback.id = id;
      feedback.className = "invalid-feedback d-block";
      feedback.setAttribute("data-testid", "field-error");
      (field.closest("[data-field]") || field.parentNode).appendChild(feedback);
    }
    feedback.textContent = message;
    return false;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.willValidate && field.id;
    });
  }

  // A field required only while another field has a given value (`data-required-when`:
  // [{"field": id, "values": [...]}], from the schema's if/then): required, its asterisk
  // shown, while any condition holds; the message is the field's own data-msg-required.
  function conditionHolds(condition) {
    var other = document.getElementById(condition.field);
    if (!other) {
      return false;
    }
    return condition.values.some(function (value) {
      if (typeof value === "boolean") {
        return other.type === "checkbox" && other.checked === value;
      }
      return other.type === "checkbox" ? false : String(value) === other.value;
    });
  }

  function applyConditions(form) {
    form.querySelectorAll("[data-required-when]").forEach(function (field) {
      var required = JSON.parse(field.dataset.requiredWhen).some(conditionHolds);
      field.required = required;
      var mark = document.getElementById(field.id + "_required");
      if (mark) {
        mark.hidden = !required;
      }
      if (!required && field.classList.contains("is-invalid")) {
        field.dataset.changed = "1";
        show(field);
      }
    });
  }

  function enhance(form) {
    applyConditions(form);
    form.addEventListener("change", function () {
      applyConditions(form);
    });
    // Not while the first characters are typed: a field is checked once it has been left
    // (or when it already shows a message), then at every keystroke.
    form.addEventListener("input", function (event) {
      var field = event.target;
      field.dataset.changed = "1";
      if (field.dataset.left || field.classList.contains("is-invalid")) {
        show(field);
      }
    });
    form.addEventListener("focusout", function (event) {
      var field = event.target;
      if (!field.willValidate || !field.id) {
        return;
      }
      if (field.dataset.changed || field.validity.badInput) {
        field.dataset.left = "1";
        show(field);
      }
    });
    form.addEventListener("submit", function (event) {
      var invalid = fields(form).filter(function (field) {
        field.dataset.left = "1";
        return !show(field);
      });
      if (invalid.length) {
        event.preventDefault();
        invalid[0].focus();
      }
    });
  }

  document.querySelectorAll("form[data-check]").forEach(enhance);
})();
