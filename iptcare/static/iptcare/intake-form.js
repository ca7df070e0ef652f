// The intake form: the parent or guardian fields appear only when the date of birth makes
// someone under 18 (the server checks the same). Without this script they stay in view.
(function () {
  "use strict";
  var born = document.getElementById("id_date_of_birth");
  var guardian = document.getElementById("guardian-fields");
  if (!born || !guardian) return;
  var adultFrom = parseInt(guardian.getAttribute("data-adult-from"), 10) || 18;

  function age(value) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) return null;
    var today = new Date();
    var years = today.getFullYear() - Number(match[1]);
    var month = today.getMonth() + 1;
    if (month < Number(match[2]) || (month === Number(match[2]) && today.getDate() < Number(match[3]))) {
      years -= 1;
    }
    return years;
  }

  function follow() {
    var years = age(born.value);
    guardian.hidden = years === null || years >= adultFrom;
  }

  born.addEventListener("input", follow);
  born.addEventListener("change", follow);
  // A page sent back with errors keeps the fields in view if any of them needs fixing.
  if (!guardian.querySelector(".field--error")) follow();
})();
