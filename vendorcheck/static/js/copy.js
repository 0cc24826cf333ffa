// "Copy" buttons: a button with data-copy="#id" copies that element's text to the clipboard and says so.
// Hidden until this script shows it: without JavaScript the text stays on the page to select by hand.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    var status = document.querySelector(button.getAttribute("data-copy-status"));
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) { status.textContent = "Copied to the clipboard."; }
      }, function () {
        if (status) { status.textContent = "Could not copy: select the link and copy it by hand."; }
      });
    });
  });
})();
