// Smoother answering: when an answer that other questions depend on changes, save the draft at once so the
// server can show or hide the questions that follow. Without JavaScript the "Save draft" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("answers-form");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-affects]");
    if (!fieldset || event.target.name.indexOf("q-") !== 0) { return; }
    form.querySelector("input[name=at]").value = fieldset.id;
    var save = form.querySelector("button[value=save]");
    if (save) { form.requestSubmit(save); }
  });
})();
