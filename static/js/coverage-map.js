/* Coverage board: the active sectors on a Leaflet map in #coverage-map, coloured by their coverage that day.
 *
 * The container carries:
 *   data-features-url   the sectors' GeoJSON (the cached feature collection of the public map);
 *   data-status         the id of a JSON script element mapping sector code → {status, label, contact};
 *   data-tiles-url, data-tiles-attribution, and the translated words of the tooltips
 *   (data-reach-label, data-nobody-label, data-unknown-label).
 * Colours come from the CSS custom properties --coverage-<status> (static/css/site.css), the same ones the
 * HTML legend uses, so the map and its legend cannot disagree. When the sectors are drawn, data-loaded holds
 * how many ("error" when the features could not be read). The table under the map says everything the map
 * shows, so the map is a help, never a requirement. */
(function () {
  "use strict";

  var FALLBACK_COLOURS = {
    covered: "#1e7b34",
    backup: "#1b6ca8",
    away: "#b35900",
    vacant: "#b00020",
    unknown: "#5f6368",
  };
  // Residents reach nobody in these: drawn bolder, with a dashed outline as a second cue beside colour.
  var GAPS = { away: true, vacant: true };

  function colourFor(container, status) {
    var value = window.getComputedStyle(container).getPropertyValue("--coverage-" + status).trim();
    return value || FALLBACK_COLOURS[status] || FALLBACK_COLOURS.unknown;
  }

  function readStatuses(container) {
    var element = container.dataset.status && document.getElementById(container.dataset.status);
    if (!element) return {};
    try {
      return JSON.parse(element.textContent) || {};
    } catch (error) {
      return {};
    }
  }

  function entryFor(statuses, container, code) {
    var entry = Object.prototype.hasOwnProperty.call(statuses, code) ? statuses[code] : null;
    return entry || { status: "unknown", label: container.dataset.unknownLabel || "", contact: null };
  }

  function tooltip(container, properties, entry) {
    var box = document.createElement("span");
    var title = document.createElement("strong");
    title.textContent = properties.code;
    box.appendChild(title);
    box.appendChild(document.createTextNode(" " + (properties.name || "")));
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(entry.label));
    if (entry.status !== "unknown") {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode((container.dataset.reachLabel || "") + " "));
      var who = document.createElement(entry.contact ? "span" : "strong");
      who.textContent = entry.contact || container.dataset.nobodyLabel || "";
      box.appendChild(who);
    }
    return box;
  }

  function start(container) {
    var statuses = readStatuses(container);
    var map = window.ProximityMaps.create(container);
    window.ProximityMaps.drawSectors(container, map, {
      style: function (feature) {
        var entry = entryFor(statuses, container, feature.properties.code);
        var gap = GAPS[entry.status] === true;
        return {
          color: colourFor(container, entry.status),
          fillColor: colourFor(container, entry.status),
          weight: gap ? 3 : 2,
          opacity: 1,
          fillOpacity: gap ? 0.55 : 0.4,
          dashArray: gap ? "6 4" : null,
          className: "coverage-sector coverage-sector--" + entry.status,
        };
      },
      onEachFeature: function (feature, shape) {
        var entry = entryFor(statuses, container, feature.properties.code);
        shape.bindTooltip(tooltip(container, feature.properties, entry), { sticky: true });
      },
      afterDraw: function (layer) {
        // Name each drawn shape, for tests and for anyone inspecting the map.
        layer.eachLayer(function (shape) {
          var element = shape.getElement && shape.getElement();
          if (!element) return;
          var code = shape.feature.properties.code;
          element.setAttribute("data-code", code);
          element.setAttribute("data-status", entryFor(statuses, container, code).status);
        });
      },
    });
  }

  document.querySelectorAll("#coverage-map").forEach(start);
})();
