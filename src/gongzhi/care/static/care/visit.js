// The visit form: fill the optional GPS position from the browser when the visitor allows it.
// Nothing is sent anywhere but with the form; a refusal or no fix leaves the fields empty.
(function () {
  "use strict";
  var form = document.querySelector("form[data-gps]");
  if (!form || !navigator.geolocation) return;
  var lat = form.querySelector("input[name=lat]"), lng = form.querySelector("input[name=lng]");
  if (!lat || !lng || lat.value) return;
  navigator.geolocation.getCurrentPosition(function (pos) {
    lat.value = pos.coords.latitude.toFixed(6);
    lng.value = pos.coords.longitude.toFixed(6);
  }, function () {}, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
})();
