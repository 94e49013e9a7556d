/* Call trends: the active sectors on a Leaflet map in #analysis-map, coloured by their % change in calls.
 *
 * The container carries:
 *   data-features-url   the sectors' GeoJSON (the cached feature collection of the public map);
 *   data-deltas         the id of a JSON script element: sector code → {url, count, <comparison>: {class, text}}
 *                       for each comparison (previous_month, same_month_last_year, baseline);
 *   data-labels         the id of a JSON script element: comparison → {heading, aria};
 *   data-comparison     the comparison shown first; data-select, the id of the filter form's select of it
 *                       (changing it recolours the map at once; the form still works without this script);
 *   data-heading        the id of the map's heading, renamed with the comparison;
 *   data-tiles-url, data-tiles-attribution.
 * Colours come from the CSS custom properties --analysis-<class> (static/calls/css/analysis.css), the ones the
 * legend uses; noise and "not defined" are SVG hatchings defined in the page (#analysis-hatch-<class>).
 * Clicking a sector opens its page. When the sectors are drawn, data-loaded holds how many ("error" when the
 * features could not be read). The table under the map gives every figure, so the map is never required. */
(function () {
  "use strict";

  var FALLBACK = {
    "down-3": "#542788",
    "down-2": "#998ec3",
    "down-1": "#d8daeb",
    "up-1": "#fee0b6",
    "up-2": "#f1a340",
    "up-3": "#b35806",
    none: "#ffffff",
  };
  var HATCHED = { noise: true, undefined: true };

  function readJson(id) {
    var element = id && document.getElementById(id);
    if (!element) return {};
    try {
      return JSON.parse(element.textContent) || {};
    } catch (error) {
      return {};
    }
  }

  function fillFor(container, name) {
    if (HATCHED[name]) return "url(#analysis-hatch-" + name + ")";
    var value = window.getComputedStyle(container).getPropertyValue("--analysis-" + name).trim();
    return value || FALLBACK[name] || FALLBACK.none;
  }

  function start(container) {
    var deltas = readJson(container.dataset.deltas);
    var labels = readJson(container.dataset.labels);
    var comparison = container.dataset.comparison || "previous_month";
    var heading = document.getElementById(container.dataset.heading || "");
    var map = window.ProximityMaps.create(container);
    var drawn = null;

    function entryFor(code) {
      var sector = Object.prototype.hasOwnProperty.call(deltas, code) ? deltas[code] : null;
      var entry = sector && sector[comparison];
      return { sector: sector, cls: entry ? entry.class : "none", text: entry ? entry.text : "" };
    }

    function style(feature) {
      var entry = entryFor(feature.properties.code);
      return {
        color: "#1a1a1a",
        weight: 1.5,
        opacity: 1,
        fillColor: fillFor(container, entry.cls),
        fillOpacity: 0.85,
        dashArray: entry.cls === "none" ? "4 3" : null,
        className: "analysis-sector",
      };
    }

    function tooltip(properties) {
      var entry = entryFor(properties.code);
      var box = document.createElement("span");
      var title = document.createElement("strong");
      title.textContent = properties.code;
      box.appendChild(title);
      box.appendChild(document.createTextNode(" " + (properties.name || "")));
      if (entry.sector) {
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(entry.text));
      }
      return box;
    }

    function mark() {
      if (!drawn) return;
      drawn.eachLayer(function (shape) {
        shape.setStyle(style(shape.feature));
        var element = shape.getElement && shape.getElement();
        if (!element) return;
        element.setAttribute("data-code", shape.feature.properties.code);
        element.setAttribute("data-class", entryFor(shape.feature.properties.code).cls);
      });
      container.dataset.comparison = comparison;
      var words = labels[comparison];
      if (words) {
        container.setAttribute("aria-label", words.aria);
        if (heading) heading.textContent = words.heading;
      }
    }

    window.ProximityMaps.drawSectors(container, map, {
      style: style,
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(function () {
          return tooltip(feature.properties);
        }, { sticky: true });
        shape.on("click", function () {
          var entry = entryFor(feature.properties.code);
          if (entry.sector && entry.sector.url) {
            window.location.assign(entry.sector.url + window.location.search);
          }
        });
      },
      afterDraw: function (layer) {
        drawn = layer;
        mark();
      },
    });

    var select = document.getElementById(container.dataset.select || "");
    if (select) {
      select.addEventListener("change", function () {
        if (!Object.prototype.hasOwnProperty.call(labels, select.value)) return;
        comparison = select.value;
        mark();
      });
    }
  }

  document.querySelectorAll("#analysis-map").forEach(start);
})();
