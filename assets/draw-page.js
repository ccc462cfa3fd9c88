// The draw page's script (/draw/{campaignId}): the visitor's chances came with the page; the draw card
// (draw.js) spends them.
(function () {
  var root = document.getElementById('draw-page');
  var view = window.scanlotDraw.view;
  window.scanlotDraw.card(function () { return view.campaign ? view.campaign.id : null; }, root.getAttribute('data-user'), Number(root.getAttribute('data-chances')) || 0);
})();
