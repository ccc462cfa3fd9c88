// The ticket page's script (/t/{ticket}): while the ticket is sealed it asks the engine every two
// seconds whether a shop revealed it; when it was, the draw the shop's reveal decided is uncovered on
// the buyer's phone with the campaign's animation (the wheel stops on the server's result). A ticket
// already revealed when the page opens shows its result at once.
(function () {
  var root = document.getElementById('ticket-page');
  var D = window.scanlotDraw, en = D.view.lang === 'en';
  var code = root.getAttribute('data-ticket');
  var wasOpen = root.getAttribute('data-state') === 'open';
  var line = document.getElementById('ticket-line');
  var revealedWords = en ? 'Revealed in the shop: ' : '已在门店开奖：';
  var tries = 0;
  function poll() {
    fetch('/t/' + encodeURIComponent(code) + '/state', { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.state === 'revealed' && s.result && s.result.draw) {
          var qr = document.getElementById('ticket-qr');
          if (qr && qr.parentNode) qr.parentNode.removeChild(qr);
          line.textContent = revealedWords + (s.result.shop || '');
          root.setAttribute('data-state', 'revealed');
          var d = s.result.draw;
          D.show(document.getElementById('draw-result'), document.getElementById('stage'), { outcome: d.outcome, prize: d.prize, set: s.result.set }, wasOpen);
          return;
        }
        // the reveal's event reaches the store a moment after the reveal: keep asking
        if (tries++ < 900) setTimeout(poll, 2000);
      })
      .catch(function () { if (tries++ < 900) setTimeout(poll, 4000); });
  }
  poll();
})();
