// The draw page's script (/draw/{campaignId}): the visitor's chances came with the page; the draw card
// (draw.js) spends them while the campaign is live.
(function () {
  var root = document.getElementById('draw-page');
  var view = window.scanlotDraw.view;
  // a paused, ended or not yet started campaign: the page says so and offers no draw
  if (root.getAttribute('data-open') !== 'true') return;
  window.scanlotDraw.card(function () { return view.campaign ? view.campaign.id : null; }, root.getAttribute('data-user'), Number(root.getAttribute('data-chances')) || 0);
})();
