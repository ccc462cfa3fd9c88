// The draw page's script (/draw/{campaignId}): the visitor's chances came with the page; the draw card
// (draw.js) spends them while the campaign is live, and shows the balance each draw answers. When the
// page comes back into view (the buyer checked in, paid or drew in another tab meanwhile), it reads the
// balance again (GET /draw/{campaignId}/chances).
(function () {
  var root = document.getElementById('draw-page');
  var view = window.scanlotDraw.view;
  // a paused, ended or not yet started campaign: the page says so and offers no draw
  if (root.getAttribute('data-open') !== 'true') return;
  var id = view.campaign ? view.campaign.id : null, user = root.getAttribute('data-user');
  var card = window.scanlotDraw.card(function () { return id; }, user, Number(root.getAttribute('data-chances')) || 0);
  document.addEventListener('visibilitychange', function () {
    // a draw under way answers its own balance
    if (document.visibilityState !== 'visible' || !id || card.drawing()) return;
    fetch('/draw/' + encodeURIComponent(id) + '/chances' + (user ? '?user=' + encodeURIComponent(user) : ''), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) { if (b && typeof b.chances === 'number') card.setChances(b.chances); }, function () {});
  });
})();
