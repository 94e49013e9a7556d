/* The contact form's "Use my location" button: fills the longitude and latitude fields from the phone's
 * position, so that the server places the contact in its sector. Without JavaScript or geolocation the
 * button stays hidden and the officer's sector of the day applies. Messages come translated from the
 * button's data attributes. */
(function () {
  "use strict";

  var button = document.getElementById("contact-locate");
  if (!button || !("geolocation" in navigator)) return;
  var status = document.getElementById("contact-locate-status");
  var lon = document.getElementById("id_lon");
  var lat = document.getElementById("id_lat");
  button.parentElement.hidden = false;

  function say(text) {
    status.textContent = text;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(button.dataset.busy);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lon.value = position.coords.longitude.toFixed(6);
        lat.value = position.coords.latitude.toFixed(6);
        button.disabled = false;
        say(button.dataset.done);
      },
      function (error) {
        button.disabled = false;
        say(error.code === error.PERMISSION_DENIED ? button.dataset.denied : button.dataset.failed);
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
