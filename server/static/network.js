// The time control: show the year under the slider as it moves (the form itself needs no script).
(function () {
  "use strict";
  document.querySelectorAll("form.year-control").forEach(function (form) {
    var input = form.querySelector("input[type=range]");
    var output = form.querySelector("output");
    input.addEventListener("input", function () { output.textContent = input.value; });
  });
})();
