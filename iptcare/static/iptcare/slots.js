// The time picker: once a time is chosen, the "Choose a time" error that came back with
// the page no longer applies, so it goes (from the screen and from what is read out).
(function () {
  "use strict";
  document.querySelectorAll(".slots").forEach(function (slots) {
    slots.addEventListener("change", function (event) {
      if (!event.target.classList.contains("slots__radio")) return;
      slots.classList.remove("slots--error");
      slots.querySelectorAll(".field__error").forEach(function (error) { error.remove(); });
      var described = (slots.getAttribute("aria-describedby") || "").split(" ");
      slots.setAttribute("aria-describedby", described.filter(function (id) {
        return id && id !== "slots-error";
      }).join(" "));
      var form = slots.closest("form");
      if (form) {
        form.querySelectorAll("[data-clears-with-time]").forEach(function (alert) {
          alert.remove();
        });
      }
    });
  });
})();
