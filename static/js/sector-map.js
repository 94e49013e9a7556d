/* Draw the sectors (GeoJSON from data-features-url) on a Leaflet map in #sector-map.
 * Optional data-problems names a JSON script element with overlaps and gaps to draw in red.
 * Optional data-focus (a sector code) stresses that sector and zooms to it; optional data-lookup-url makes a
 * click on the map look up who serves that point (the page at that URL with ?lon=&lat=).
 * Everything the map shows is also in the page as text, so the map is a help, never a requirement. */
(function () {
  "use strict";

  var PALETTE = ["#1b6ca8", "#2e7d32", "#8e24aa", "#c75b00", "#00838f", "#5d4037", "#ad1457", "#455a64"];

  function colourFor(code) {
    var hash = 0;
    for (var i = 0; i < code.length; i += 1) hash = (hash * 31 + code.charCodeAt(i)) >>> 0;
    return PALETTE[hash % PALETTE.length];
  }

  function label(properties) {
    var text = document.createElement("span");
    var strong = document.createElement("strong");
    strong.textContent = properties.code;
    text.appendChild(strong);
    text.appendChild(document.createTextNode(" " + properties.name));
    return text;
  }

  function lookupHref(base, latlng) {
    var url = new URL(base, window.location.href);
    url.searchParams.set("lon", latlng.lng.toFixed(6));
    url.searchParams.set("lat", latlng.lat.toFixed(6));
    url.hash = "result";
    return url.toString();
  }

  function start(container) {
    var map = window.ProximityMaps.create(container);
    var focus = container.dataset.focus;
    var lookupUrl = container.dataset.lookupUrl;
    window.ProximityMaps.drawSectors(container, map, {
      style: function (feature) {
        var active = feature.properties.is_active !== false;
        var focused = focus && feature.properties.code === focus;
        return {
          color: colourFor(feature.properties.code),
          weight: focused ? 4 : 2,
          fillOpacity: focus ? (focused ? 0.25 : 0.03) : active ? 0.18 : 0.04,
          dashArray: active ? null : "4 4",
        };
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(label(feature.properties), { sticky: true });
      },
      boundsOf: function (layer) {
        var bounds = layer.getBounds();
        layer.eachLayer(function (shape) {
          if (focus && shape.feature.properties.code === focus) {
            shape.bringToFront();
            bounds = shape.getBounds();
          }
        });
        return bounds;
      },
    });

    if (lookupUrl) {
      container.classList.add("sector-map--clickable");
      map.on("click", function (event) {
        window.location.assign(lookupHref(lookupUrl, event.latlng));
      });
    }

    var problemsId = container.dataset.problems;
    var problemsElement = problemsId && document.getElementById(problemsId);
    if (problemsElement) {
      L.geoJSON(JSON.parse(problemsElement.textContent), {
        style: { color: "#b00020", weight: 3, fillOpacity: 0.5 },
      }).addTo(map);
    }
  }

  document.querySelectorAll("#sector-map").forEach(start);
})();
