/*
 * Dotation — démonstrateur. The map: our own GeoJSON (commune contour, IRIS,
 * QPV) drawn as SVG paths on a plain background. No tiles, no map library:
 * an equirectangular projection scaled by cos(latitude) is exact enough at the
 * scale of a commune. Defines `DotationMap` on the global object.
 */
(function (global) {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';

  function svgEl(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, String(attrs[k])); });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }

  /** Every polygon of a geometry as a list of rings ([lon, lat] positions); points and lines are skipped. */
  function polygonsOf(geometry) {
    if (!geometry) return [];
    switch (geometry.type) {
      case 'Polygon': return [geometry.coordinates];
      case 'MultiPolygon': return geometry.coordinates;
      case 'GeometryCollection': return (geometry.geometries || []).reduce(function (all, g) { return all.concat(polygonsOf(g)); }, []);
      default: return [];
    }
  }

  function emptyBox() { return [Infinity, Infinity, -Infinity, -Infinity]; }

  function extendBox(box, features) {
    (features || []).forEach(function (f) {
      polygonsOf(f.geometry).forEach(function (poly) {
        poly.forEach(function (ring) {
          ring.forEach(function (p) {
            if (p[0] < box[0]) box[0] = p[0];
            if (p[1] < box[1]) box[1] = p[1];
            if (p[0] > box[2]) box[2] = p[0];
            if (p[1] > box[3]) box[3] = p[1];
          });
        });
      });
    });
    return box;
  }

  /** Fit `box` (lon/lat) into a `width` wide viewBox; the height follows the shape, within bounds. */
  function projection(box, width, pad) {
    var lat0 = (box[1] + box[3]) / 2;
    var k = Math.cos(lat0 * Math.PI / 180);
    var spanX = Math.max((box[2] - box[0]) * k, 1e-9);
    var spanY = Math.max(box[3] - box[1], 1e-9);
    var height = Math.round(Math.min(Math.max(width * spanY / spanX, width * 0.55), width * 1.1));
    var scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
    var ox = (width - spanX * scale) / 2;
    var oy = (height - spanY * scale) / 2;
    return {
      width: width,
      height: height,
      /** Metres per viewBox unit: 1° of latitude ≈ 111 320 m. */
      metresPerUnit: 111320 / scale,
      project: function (p) {
        return [ox + (p[0] - box[0]) * k * scale, oy + (box[3] - p[1]) * scale];
      },
    };
  }

  function pathOf(geometry, project) {
    var parts = [];
    polygonsOf(geometry).forEach(function (poly) {
      poly.forEach(function (ring) {
        if (ring.length < 3) return;
        var d = '';
        var last = '';
        ring.forEach(function (p, i) {
          var xy = project(p);
          var pt = xy[0].toFixed(1) + ' ' + xy[1].toFixed(1);
          if (pt === last) return; // points closer than a tenth of a unit add bytes, not shape
          d += (i === 0 ? 'M' : 'L') + pt;
          last = pt;
        });
        parts.push(d + 'Z');
      });
    });
    return parts.join('');
  }

  /** A round length (1, 2 or 5 × 10ⁿ metres) close to a fifth of the map's width. */
  function scaleBar(proj) {
    var target = proj.metresPerUnit * proj.width / 5;
    var pow = Math.pow(10, Math.floor(Math.log10(target)));
    var metres = [1, 2, 5, 10].map(function (m) { return m * pow; }).filter(function (m) { return m <= target; }).pop() || pow;
    return { metres: metres, fraction: metres / proj.metresPerUnit / proj.width, label: metres >= 1000 ? (metres / 1000).toLocaleString('fr-FR') + ' km' : metres + ' m' };
  }

  /**
   * draw(layers, { title, description, width }) → { svg, scale, drawn }.
   * layers: [{ id, features, titleOf(feature) }] in drawing order; the first
   * layer with features (the contour when there is one) fixes the frame.
   */
  function draw(layers, options) {
    var width = options.width || 600;
    var frame = layers.filter(function (l) { return l.frame && l.features && l.features.length; })[0];
    var box = frame ? extendBox(emptyBox(), frame.features) : emptyBox();
    if (!isFinite(box[0])) layers.forEach(function (l) { extendBox(box, l.features); });
    if (!isFinite(box[0])) return null;
    var proj = projection(box, width, 12);
    var titleId = options.idPrefix + '-titre';
    var descId = options.idPrefix + '-desc';
    var svg = svgEl('svg', {
      viewBox: '0 0 ' + proj.width + ' ' + proj.height,
      class: 'carte__svg',
      role: 'img',
      'aria-labelledby': titleId + ' ' + descId,
      preserveAspectRatio: 'xMidYMid meet',
    });
    var title = svgEl('title', { id: titleId });
    title.textContent = options.title;
    var desc = svgEl('desc', { id: descId });
    desc.textContent = options.description || '';
    svg.appendChild(title);
    svg.appendChild(desc);
    svg.appendChild(svgEl('rect', { x: 0, y: 0, width: proj.width, height: proj.height, class: 'carte__fond' }));
    var drawn = {};
    layers.forEach(function (layer) {
      var g = svgEl('g', { class: 'couche couche--' + layer.id, 'data-layer': layer.id });
      drawn[layer.id] = 0;
      (layer.features || []).forEach(function (f) {
        var d = pathOf(f.geometry, proj.project);
        if (!d) return;
        var path = svgEl('path', { d: d, 'data-layer': layer.id, 'fill-rule': 'evenodd', 'vector-effect': 'non-scaling-stroke' });
        var label = layer.titleOf ? layer.titleOf(f) : null;
        if (label) {
          var t = svgEl('title');
          t.textContent = label;
          path.appendChild(t);
        }
        g.appendChild(path);
        drawn[layer.id]++;
      });
      svg.appendChild(g);
    });
    return { svg: svg, scale: scaleBar(proj), drawn: drawn };
  }

  global.DotationMap = { draw: draw, polygonsOf: polygonsOf };
})(globalThis);
