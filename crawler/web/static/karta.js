/* /-/karta: draws every municipality from the page's JSON data island
   (#kartdata) with Leaflet, loaded from the URL in #karta[data-leaflet]. */
const element = document.getElementById('karta');
const L = await import(element.dataset.leaflet);
const data = JSON.parse(document.getElementById('kartdata').textContent);
const map = L.map('karta').setView([62.5, 16.5], 5);
L.tileLayer('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', {
  maxZoom: 12, attribution: '&copy; OpenStreetMap'}).addTo(map);
data.points.forEach(function (p) {
  const marker = L.circleMarker([p.lat, p.lon], {
    radius: 4 + Math.sqrt(p.commitments), weight: 1,
    color: p.current ? '#1d5e2b' : '#666', fillColor: p.current ? '#2a8a3e' : '#999',
    fillOpacity: 0.7, className: p.current ? 'kommun-gallande' : 'kommun-utan'}).addTo(map);
  const div = document.createElement('div');
  const a = document.createElement('a');
  a.href = '/' + encodeURIComponent(data.database) + '/kommunens_historik?kod=' + p.code;
  a.textContent = p.name;
  div.appendChild(a);
  div.appendChild(document.createTextNode(
    ': ' + p.commitments + ' åtaganden' + (p.current ? ', gällande löfte' : '')));
  marker.bindPopup(div);
});
