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
      // About a kilometre: enough for distances, and the plan's address does not pin the family's home.
      form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(2);
      form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(2);
      form.querySelector("[name=place]").value = "";
      status.textContent = button.dataset.done;
    }, function () {
      status.textContent = button.dataset.failed;
    }, {maximumAge: 600000, timeout: 15000});
  });
})();

// A plan's share buttons: the system's share sheet where the browser has one, copying the link where it can.
// Without this script, sending by e-mail or text still works (mailto: and sms: links).
(function () {
  "use strict";
  var share = document.querySelector("[data-share]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({title: share.dataset.title, url: share.dataset.url}).catch(function () {});
    });
  }
  var copy = document.querySelector("[data-copy]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.dataset.copy).then(function () {
        document.querySelector("[data-copied]").hidden = false;
      });
    });
  }
})();
