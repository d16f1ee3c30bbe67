/* Configuration Datasette and its map plugins would otherwise write as inline
   scripts (blocked by the site's CSP): facets on table pages, and where
   datasette-leaflet and datasette-cluster-map find their files. */
window.DATASETTE_ALLOW_FACET = true;
window.datasette = window.datasette || {};
window.datasette.leaflet = {
  JAVASCRIPT_URL: '/-/static-plugins/datasette-leaflet/leaflet-v1.7.1.js',
  CSS_URL: '/-/static-plugins/datasette-leaflet/leaflet-v1.7.1.css'
};
window.datasette.cluster_map = {
  MARKERCLUSTER_URL: '/-/static-plugins/datasette-cluster-map/leaflet.markercluster.min.js',
  MARKERCLUSTER_CSS_URL: '/-/static-plugins/datasette-cluster-map/leaflet.markercluster.css'
};
window.DATASETTE_CLUSTER_MAP_TILE_LAYER = 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png';
window.DATASETTE_CLUSTER_MAP_TILE_LAYER_OPTIONS = {
  maxZoom: 19,
  attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
};
window.DATASETTE_CLUSTER_MAP_LATITUDE_COLUMN = 'latitude';
window.DATASETTE_CLUSTER_MAP_LONGITUDE_COLUMN = 'longitude';
