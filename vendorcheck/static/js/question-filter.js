// The question pickers' filter (documents' questions, the scoring profile's knock-outs and thresholds): show the filter box, and as one types hide the questions (and whole sections)
// whose text and id do not contain every word typed. Ticked questions always stay visible. Without JavaScript
// the full grouped list is shown and works the same.
(function () {
  "use strict";
  var pickers = document.querySelectorAll("[data-question-picker]");
  Array.prototype.forEach.call(pickers, function (picker) {
    var box = picker.querySelector("[data-filter]");
    if (!box) { return; }
    box.closest(".question-filter").hidden = false;
    var none = picker.querySelector("[data-no-match]");
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(picker.querySelectorAll("[data-group]"), function (group) {
        var groupText = group.querySelector("legend").textContent.toLowerCase();
        var any = false;
        Array.prototype.forEach.call(group.querySelectorAll("[data-question]"), function (item) {
          var text = (groupText + " " + item.textContent).toLowerCase();
          var tick = item.querySelector("input[type=checkbox]");
          var match = (tick && tick.checked) || words.every(function (w) { return text.indexOf(w) !== -1; });
          item.hidden = !match;
          any = any || match;
          if (match) { shown += 1; }
        });
        group.hidden = !any;
      });
      if (none) { none.hidden = shown > 0; }
    });
  });
})();
