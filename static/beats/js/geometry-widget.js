/* Start django-leaflet's drawing field for each sector geometry widget on the page.
 * The stock widget does this in an inline <script>; the settings come here as JSON data instead,
 * so that the Content-Security-Policy can forbid inline scripts everywhere. */
(function () {
  "use strict";

  function start(container) {
    var configElement = document.getElementById(container.dataset.geometryWidget);
    if (!configElement || container._leaflet_id) return;
    var config = JSON.parse(configElement.textContent);
    var field = {
      fieldid: config.fieldid,
      modifiable: config.modifiable,
      geom_type: config.geom_type,
      srid: config.srid,
    };
    L.Map.djangoMap(container.id, {
      djoptions: config.djoptions,
      globals: false,
      callback: function (map, options) {
        field.field_store_class = L.FieldStore;
        field.precision = options.djoptions.precision;
        new L.GeometryField(field).addTo(map);
      },
    });
  }

  function startAll() {
    document.querySelectorAll("[data-geometry-widget]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
