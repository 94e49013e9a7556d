/* "Use my location": where the browser can tell where it is, a button asks for the position once and opens
 * the lookup for that point (?lon=&lat=). Without JavaScript or geolocation the button never shows and the
 * address search does the job. Messages come translated from the button's data attributes. */
(function () {
  "use strict";

  var button = document.getElementById("use-my-location");
  if (!button || !("geolocation" in navigator)) return;
  var status = document.getElementById("locate-status");
  button.parentElement.hidden = false;

  function say(text) {
    status.textContent = text;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(button.dataset.busy);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var url = new URL(button.dataset.lookupUrl, window.location.href);
        url.searchParams.set("lon", position.coords.longitude.toFixed(6));
        url.searchParams.set("lat", position.coords.latitude.toFixed(6));
        url.hash = "result";
        window.location.assign(url.toString());
      },
      function (error) {
        button.disabled = false;
        say(error.code === error.PERMISSION_DENIED ? button.dataset.denied : button.dataset.failed);
      },
      // A street-level fix is enough; do not keep a phone's GPS busy for long.
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
