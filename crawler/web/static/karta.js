/* /-/karta: draws every municipality from the page's JSON data island
   (#kartdata) with Leaflet, loaded from the URL in #karta[data-leaflet]. */
const element = document.getElementById('karta');
const L = await import(element.dataset.leaflet);
const data = JSON.parse(document.getElementById('kartdata').textContent);
const map = L.map('karta').setView([62.5, 16.5], 5);
// The tile server is a setting (MAP_TILE_URL, or plugin config medborgarloften-karta);
// when its images cannot load the page says so, and the dots still carry the numbers.
const tiles = L.tileLayer(data.tiles, {maxZoom: 12, attribution: data.attribution});
tiles.on('tileerror', function () {
  document.getElementById('karta-utan-bilder').hidden = false; });
tiles.addTo(map);
data.points.forEach(function (p) {
  const marker = L.circleMarker([p.lat, p.lon], {
    radius: 4 + Math.sqrt(p.commitments), weight: 1,
    color: p.current ? '#1d5e2b' : '#666', fillColor: p.current ? '#2a8a3e' : '#999',
    fillOpacity: 0.7, className: p.current ? 'kommun-gallande' : 'kommun-utan'}).addTo(map);
  if (p.promises) {
    marker.bindTooltip(String(p.promises), {permanent: true, direction: 'center',
      className: 'karta-antal'});
  }
  const div = document.createElement('div');
  const a = document.createElement('a');
  a.href = '/kommun/' + p.code;
  a.textContent = p.name;
  div.appendChild(a);
  div.appendChild(document.createTextNode(
    ': ' + p.promises + ' löften, ' + p.commitments + ' åtaganden' +
    (p.current ? ', gällande löfte' : '')));
  marker.bindPopup(div);
});
