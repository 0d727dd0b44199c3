// The support console: choosing a saved reply puts its text into the reply box at once (the
// "insert" button does the same through the server when JavaScript is off).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("saved-reply");
    if (!select) return;
    var target = document.getElementById(select.getAttribute("data-target"));
    var button = document.querySelector("[data-insert-saved]");
    if (!target) return;
    if (button) button.hidden = true;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var text = option ? option.getAttribute("data-text") : null;
      if (!text) return;
      var current = target.value.replace(/\s+$/, "");
      target.value = current ? current + "\n\n" + text : text;
      select.selectedIndex = 0;
      target.focus();
      target.setSelectionRange(target.value.length, target.value.length);
    });
  });
})();
