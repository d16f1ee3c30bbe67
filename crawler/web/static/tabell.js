/* Datasette's table pages in Swedish, without inline JavaScript.
   Runs after Datasette's table.js (both deferred): sets the flag its inline
   script used to set, and relabels the column menu table.js created. */
(function () {
  var script = document.currentScript;
  window.DATASETTE_ALLOW_FACET = !script || script.dataset.allowFacet !== 'false';
  var labels = {
    'dropdown-sort-asc': 'Sortera stigande',
    'dropdown-sort-desc': 'Sortera fallande',
    'dropdown-facet': 'Fasett på kolumnen',
    'dropdown-hide-column': 'Dölj kolumnen',
    'dropdown-show-all-columns': 'Visa alla kolumner',
    'dropdown-not-blank': 'Visa rader där den inte är tom'
  };
  Object.keys(labels).forEach(function (cls) {
    document.querySelectorAll('.dropdown-menu a.' + cls).forEach(function (a) {
      a.textContent = labels[cls];
    });
  });
})();
