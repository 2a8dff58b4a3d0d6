// Family journey: "use my location" fills the hidden latitude and longitude.
// Everything works without this script: families pick a town instead.
(function () {
  "use strict";
  var button = document.querySelector("[data-geolocate]");
  if (!button || !("geolocation" in navigator)) { return; }
  var form = button.closest("form");
  var status = form.querySelector("[data-geo-status]");
  button.closest(".geo").hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting || "…";
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(3);
      form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(3);
      form.querySelector("[name=place]").value = "";
      status.textContent = button.dataset.done;
    }, function () {
      status.textContent = button.dataset.failed;
    }, {maximumAge: 600000, timeout: 15000});
  });
})();
