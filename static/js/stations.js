/* Station finder (plain JS, no build step).
 *
 * Gets a point (browser geolocation, WGS-84, or a district's centre), asks
 * /api/v1/stations/nearest and renders the list. The Leaflet map is drawn after the
 * list and inside try/catch: without Leaflet or tiles the list still works.
 */
(function () {
  "use strict";

  const configEl = document.getElementById("finder-config");
  const form = document.getElementById("finder-form");
  if (!configEl || !form) return;
  const cfg = JSON.parse(configEl.textContent);
  const M = cfg.messages;

  const statusEl = document.getElementById("status");
  const list = document.getElementById("results");
  const mapEl = document.getElementById("map");
  const mapNote = document.getElementById("map-note");
  const districtSel = document.getElementById("district");
  const locateBtn = document.getElementById("locate");
  const latInput = document.getElementById("lat");
  const lngInput = document.getElementById("lng");

  let point = cfg.point; // [lat, lng] WGS-84
  let source = cfg.source; // "location" | "district" | ""
  let seq = 0; // only the latest request may render

  function setStatus(text) {
    statusEl.textContent = text;
  }

  function round(x) {
    return Math.round(x * 1e5) / 1e5;
  }

  function distanceLabel(m) {
    if (m < 1000) return Math.round(m) + " " + M.m;
    return (m / 1000).toFixed(1) + " " + M.km;
  }

  function todayLabel(ranges) {
    if (!ranges || !ranges.length) return M.closedToday;
    if (ranges.some((r) => r[0] === "00:00" && r[1] === "24:00")) return M.today + " " + M.allDay;
    return M.today + " " + ranges.map((r) => r[0] + "–" + r[1]).join("、");
  }

  function detailUrl(id) {
    return cfg.detail.replace(/\/0\/$/, "/" + id + "/");
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderList(items) {
    list.textContent = "";
    if (!items.length) {
      list.appendChild(el("li", "muted st-empty", M.empty));
    }
    for (const s of items) {
      const li = el("li", "card st-item");
      li.dataset.id = s.id;
      const head = el("div", "st-head");
      const link = el("a", "st-name", s.name);
      link.href = detailUrl(s.id);
      head.append(link, el("span", "st-dist", distanceLabel(s.distance_m)));
      const meta = el("div", "st-meta");
      meta.append(
        el("span", "st-badge " + (s.open_now ? "st-open" : "st-closed"), s.open_now ? M.open : M.closed),
        " ",
        el("span", "st-today", todayLabel(s.today)),
      );
      li.append(head, meta, el("div", "muted st-addr", s.address));
      const names = (s.amenities || []).map((c) => cfg.amenities[c]).filter(Boolean);
      if (names.length) {
        const tags = el("div", "st-tags");
        for (const n of names) tags.appendChild(el("span", "st-tag", n));
        li.appendChild(tags);
      }
      list.appendChild(li);
    }
    list.hidden = false;
  }

  function chosenAmenities() {
    return Array.from(form.querySelectorAll("input[name=amenity]:checked"), (i) => i.value);
  }

  function openNow() {
    return form.querySelector("input[name=open_now]").checked;
  }

  function pageQuery() {
    const q = new URLSearchParams();
    if (source === "district" && districtSel.value) {
      q.set("district", districtSel.value);
    } else if (point) {
      q.set("lat", point[0]);
      q.set("lng", point[1]);
    }
    for (const a of chosenAmenities()) q.append("amenity", a);
    if (openNow()) q.set("open_now", "1");
    return q;
  }

  function search() {
    if (!point) {
      locate();
      return;
    }
    const q = new URLSearchParams({ lat: point[0], lng: point[1], k: cfg.k });
    for (const a of chosenAmenities()) q.append("amenity", a);
    if (openNow()) q.set("open_now", "true");
    const mine = ++seq;
    setStatus(M.loading);
    list.setAttribute("aria-busy", "true");
    fetch(cfg.api + "?" + q.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((r) => {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then((data) => {
        if (mine !== seq) return;
        renderList(data.items);
        setStatus(source === "district" ? M.nearDistrict : M.nearMe);
        try {
          history.replaceState(null, "", "?" + pageQuery().toString());
        } catch (e) {
          /* not essential */
        }
        drawMap(data.items);
      })
      .catch(() => {
        if (mine === seq) setStatus(M.failed);
      })
      .finally(() => {
        if (mine === seq) list.removeAttribute("aria-busy");
      });
  }

  function locate() {
    if (!navigator.geolocation) {
      setStatus(M.denied);
      return;
    }
    setStatus(M.locating);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        point = [round(pos.coords.latitude), round(pos.coords.longitude)];
        source = "location";
        districtSel.value = "";
        latInput.value = point[0];
        lngInput.value = point[1];
        search();
      },
      () => {
        if (!point) setStatus(M.denied);
        else setStatus(source === "district" ? M.nearDistrict : M.nearMe);
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 },
    );
  }

  function useDistrict() {
    const centre = cfg.centres[districtSel.value];
    if (!centre) return;
    point = centre;
    source = "district";
    latInput.value = "";
    lngInput.value = "";
    search();
  }

  /* --- map: optional ------------------------------------------------------------------ */
  let map = null;
  let layer = null;

  function noMap() {
    mapEl.hidden = true;
    mapNote.textContent = M.noMap;
    mapNote.hidden = false;
  }

  function drawMap(items) {
    try {
      if (typeof window.L === "undefined") throw new Error("Leaflet not loaded");
      const L = window.L;
      if (!map) {
        mapEl.hidden = false;
        map = L.map(mapEl, { zoomControl: true, attributionControl: true });
        const tiles = L.tileLayer(cfg.tiles.url, {
          attribution: cfg.tiles.attribution,
          maxZoom: 19,
        });
        tiles.once("tileerror", () => {
          mapNote.textContent = M.noMap;
          mapNote.hidden = false;
        });
        tiles.addTo(map);
        layer = L.layerGroup().addTo(map);
      }
      layer.clearLayers();
      const bounds = [point];
      L.circleMarker(point, { radius: 8, color: "#fff", weight: 2, fillColor: "#1565c0", fillOpacity: 1 })
        .bindTooltip(M.you)
        .addTo(layer);
      for (const s of items) {
        const popup = el("div");
        const link = el("a", "", s.name);
        link.href = detailUrl(s.id);
        popup.append(link, el("div", "muted", distanceLabel(s.distance_m)));
        L.marker([s.lat, s.lng], { title: s.name, alt: s.name }).bindPopup(popup).addTo(layer);
        bounds.push([s.lat, s.lng]);
      }
      map.invalidateSize();
      if (bounds.length > 1) {
        // marker icons stand above their point: leave room at the top
        map.fitBounds(bounds, { paddingTopLeft: [24, 48], paddingBottomRight: [24, 16], maxZoom: 16 });
      } else {
        map.setView(point, 14);
      }
    } catch (e) {
      noMap();
    }
  }

  /* --- wiring -------------------------------------------------------------------------- */
  locateBtn.hidden = false;
  locateBtn.addEventListener("click", locate);
  form.addEventListener("change", (e) => {
    const name = e.target.name;
    if (name === "district") useDistrict();
    else if (name === "amenity" || name === "open_now") {
      if (point) search();
    }
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (districtSel.value && source !== "district") useDistrict();
    else search();
  });

  if (point) search();
  else if (districtSel.value) useDistrict();
  else locate();
})();
