/* Close an open <details> menu when the visitor clicks outside it
   (Datasette's inline _close_open_menus.html, as a static file). */
document.body.addEventListener('click', function (ev) {
  var target = ev.target;
  while (target && target.tagName !== 'DETAILS') { target = target.parentNode; }
  Array.from(document.getElementsByTagName('details')).filter(function (d) {
    return d.open && d !== target && d.classList.contains('nav-menu');
  }).forEach(function (d) { d.open = false; });
});
