// The draw card of the store's pages (served as a file: the CSP allows no inline script), shared by the
// check-in page (/s/…), the draw page (/draw/…) and the ticket page (/t/…): it spends a draw chance
// through POST /v1/draws and shows the answer in the buyer's words: the prize and how to claim it, a
// completed set, or a sealed ticket to show in a shop. The result is written first; reveal.js only
// uncovers it (the wheel stops on the prize the server drew, never chooses). Every name is text.
(function () {
  var view = JSON.parse(document.getElementById('view').textContent);
  var en = view.lang === 'en';
  // the brand colour through the CSSOM (the CSP allows no inline style attribute)
  if (view.page && view.page.color) document.documentElement.style.setProperty('--brand', view.page.color);
  var W = en ? {
    chances: function (n) { return 'Draw chances left: ' + n; }, draw: 'Spin the wheel', spinning: 'Spinning…',
    youWon: 'You won', lost: 'No prize this time', thanks: 'Thanks', lostLine: 'Thank you for taking part: good luck next time.',
    ticketHead: 'Your draw ticket', ticketLine: 'The result is sealed: show the ticket in a shop to reveal it.', openTicket: 'Open ticket',
    voucherClaim: 'Show this voucher in a shop: the clerk scans it and hands over your prize.', openVoucher: 'Open voucher', redeemBy: 'Redeem by ',
    cashClaim: 'The money is paid into the account you take part with (such as your WeChat wallet), usually within 24 hours.',
    pointsClaim: 'The points are in your member account.', cardLine: 'A card for your set: see your sets under My prizes.',
    setDone: function (prize) { return 'Set complete! You also won: ' + prize; },
    setRefused: 'Set complete, but its prize is all given out.',
    noChances: 'No draw chance left: check in at a shop or scan the brand\'s products to earn more.',
    failed: 'The draw is unavailable for a moment: please try again.',
    tap: { 'red-packet': 'Tap to open', scratch: 'Scratch to reveal', wheel: 'Spinning…' }
  } : {
    chances: function (n) { return '剩余抽奖机会：' + n; }, draw: '立即抽奖', spinning: '转盘转动中…',
    youWon: '恭喜您获得', lost: '谢谢参与', thanks: '谢谢参与', lostLine: '本次未中奖，祝您下次好运。',
    ticketHead: '您的抽奖券', ticketLine: '结果已封存：到店出示此券即可开奖。', openTicket: '查看抽奖券',
    voucherClaim: '到店出示此兑奖码，店员扫码后即可领取奖品。', openVoucher: '查看兑奖券', redeemBy: '兑奖截止：',
    cashClaim: '红包将发放至您参与活动的账户（如微信零钱），一般 24 小时内到账。',
    pointsClaim: '积分已存入您的会员账户。', cardLine: '集卡 +1：在“我的奖品”查看集卡进度。',
    setDone: function (prize) { return '集齐一套！您还获得：' + prize; },
    setRefused: '已集齐一套，但套装奖品已发完。',
    noChances: '抽奖机会已用完：到店签到或扫描品牌产品可获得更多机会。',
    failed: '暂时无法抽奖，请稍后再试。',
    tap: { 'red-packet': '点击拆红包', scratch: '刮开查看结果', wheel: '转盘转动中…' }
  };

  /** POSTs `body` as JSON with the page's session cookie; resolves to {status, body} (a refusal's body too) */
  function post(url, body) {
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); });
  }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function prizeLine(pr) {
    if (pr.kind === 'cash' && pr.amount != null) return pr.name + ' ¥' + (pr.amount / 100).toFixed(2);
    if (pr.kind === 'points' && pr.amount != null) return pr.name + (en ? ' +' + pr.amount + ' points' : ' +' + pr.amount + ' 积分');
    return pr.name;
  }
  function prizeView(id) { return (view.prizes && Object.prototype.hasOwnProperty.call(view.prizes, id)) ? view.prizes[id] : {}; }
  function voucherInto(card, voucher) {
    var img = el('img', 'qr'); img.alt = ''; img.src = '/v/' + encodeURIComponent(voucher.code) + '/qr.svg';
    card.appendChild(img);
    card.appendChild(el('p', 'voucher-code', voucher.code));
    var a = el('a', 'button', W.openVoucher); a.href = '/v/' + encodeURIComponent(voucher.code);
    card.appendChild(a);
    return a;
  }
  function claimInto(card, pr) {
    var pv = prizeView(pr.id);
    if (pr.kind === 'gift' || pr.kind === 'coupon') {
      card.appendChild(el('p', 'line', pv.claim || W.voucherClaim));
      if (pr.voucher) voucherInto(card, pr.voucher).id = 'open-voucher';
      if (pv.redeemBy) card.appendChild(el('p', 'line redeem-by', W.redeemBy + pv.redeemBy));
    } else if (pr.kind === 'cash') card.appendChild(el('p', 'line', pv.claim || W.cashClaim));
    else if (pr.kind === 'points') card.appendChild(el('p', 'line', pv.claim || W.pointsClaim));
    else if (pr.kind === 'card') card.appendChild(el('p', 'line', W.cardLine));
  }

  /**
   * Writes a draw's answer (`a`: outcome, prize, ticket, set) into `card` and uncovers it in `stage`
   * with the campaign's animation (`animate` false: at once); `done` runs once it shows.
   */
  function show(card, stage, a, animate, done) {
    card.textContent = '';
    card.removeAttribute('data-outcome');
    if (a.outcome === 'won' && a.prize) {
      card.appendChild(el('h1', 'ok', W.youWon));
      var name = el('p', 'prize-name', prizeLine(a.prize)); name.id = 'prize-name';
      card.appendChild(name);
      claimInto(card, a.prize);
    } else if (a.outcome === 'ticket' && a.ticket) {
      card.appendChild(el('h1', 'ok', W.ticketHead));
      card.appendChild(el('p', 'line', W.ticketLine));
      var t = el('a', 'button', W.openTicket); t.id = 'open-ticket'; t.href = '/t/' + encodeURIComponent(a.ticket.code);
      card.appendChild(t);
    } else {
      card.appendChild(el('h1', '', W.lost));
      card.appendChild(el('p', 'line', W.lostLine));
    }
    if (a.set && a.set.completed) {
      var s = el('p', 'line set-done', a.set.prize ? W.setDone(a.set.prize.name) : W.setRefused); s.id = 'set-done';
      card.appendChild(s);
      if (a.set.prize && a.set.prize.voucher) voucherInto(card, a.set.prize.voucher);
    }
    function finished() { card.setAttribute('data-outcome', a.outcome); if (done) done(); }
    // a sealed ticket decided nothing yet: no wheel to stop
    if (!animate || a.outcome === 'ticket') { card.hidden = false; finished(); return; }
    window.scanlotReveal(stage, card, view, a.outcome === 'won' && a.prize ? a.prize.id : null, W, finished);
  }

  /** wires the draw card: `campaignId()` names the campaign once known, `user` the open-mode user */
  function card(campaignId, user, chances) {
    var box = document.getElementById('draw-card'), line = document.getElementById('chances');
    var button = document.getElementById('draw'), result = document.getElementById('draw-result'), stage = document.getElementById('stage');
    var hint = el('p', 'line hint', W.noChances); hint.id = 'no-chances';
    button.textContent = W.draw;
    function setChances(n) {
      line.textContent = W.chances(n);
      button.disabled = n < 1;
      if (n < 1) box.appendChild(hint); else if (hint.parentNode) hint.parentNode.removeChild(hint);
      box.hidden = false;
    }
    setChances(chances);
    // from the click until the draw's result shows: its answer then says the balance
    var drawing = false;
    function failed() { drawing = false; result.textContent = W.failed; result.hidden = false; button.disabled = false; }
    button.addEventListener('click', function () {
      if (!campaignId()) return;
      button.disabled = true;
      drawing = true;
      var body = { campaignId: campaignId() };
      if (user) body.user = user;
      post('/v1/draws', body)
        .then(function (r) {
          if (r.status === 409 && r.body.error && r.body.error.code === 'no_chances') { drawing = false; setChances(0); return; }
          if (r.status !== 200) { failed(); return; }
          show(result, stage, r.body, true, function () { drawing = false; setChances(r.body.chances); });
        }, failed);
    });
    return { setChances: setChances, drawing: function () { return drawing; } };
  }

  window.scanlotDraw = { words: W, view: view, show: show, card: card, post: post };
})();
