/* What every map of the site shares: a Leaflet map with the configured tiles (data-tiles-url,
 * data-tiles-attribution on the container) and the sectors' GeoJSON (data-features-url) drawn on it.
 * When the sectors are drawn, the container's data-loaded holds how many ("error" if they could not be read),
 * which tests and scripts wait for. */
window.ProximityMaps = (function () {
  "use strict";

  function create(container) {
    var map = L.map(container, { scrollWheelZoom: false }).setView([45.52, -73.45], 11);
    L.tileLayer(container.dataset.tilesUrl, {
      attribution: container.dataset.tilesAttribution,
      maxZoom: 19,
    }).addTo(map);
    return map;
  }

  // `options` are L.geoJSON's (style, onEachFeature), plus afterDraw(layer) if the caller needs it and
  // boundsOf(layer) to zoom to part of the map (all of it by default).
  function drawSectors(container, map, options) {
    return fetch(container.dataset.featuresUrl, {
      headers: { Accept: "application/geo+json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (collection) {
        var layer = L.geoJSON(collection, options).addTo(map);
        if (options.afterDraw) options.afterDraw(layer);
        // No zoom animation: when data-loaded is set, the map is drawn at its final scale.
        var bounds = options.boundsOf ? options.boundsOf(layer) : layer.getBounds();
        if (layer.getLayers().length) map.fitBounds(bounds, { padding: [8, 8], animate: false });
        container.dataset.loaded = String(layer.getLayers().length);
        return layer;
      })
      .catch(function () {
        container.dataset.loaded = "error";
      });
  }

  return { create: create, drawSectors: drawSectors };
})();
