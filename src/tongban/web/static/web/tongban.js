// tongban's own behaviour on top of htmx: after a part of the page is replaced, move the
// focus to what changed — the error summary if there is one, else the answer — so that
// keyboard and screen-reader users land where the news is.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target || event.target;
  var root = document.getElementById(target.id) || document;
  var news = root.querySelector("#error-summary") || root.querySelector("[data-focus-after-swap]");
  if (news) {
    news.focus();
  }
});

// A form that asks before it acts (`data-confirm="…"`): a step that cannot be undone.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
