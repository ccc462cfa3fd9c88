// The scan page's script (served as a file: the page's CSP allows no inline script). It runs the scan
// for the visitor (whose identity the engine keeps in an HttpOnly session cookie) and says what the
// answer means in a buyer's words, in the page's language, with times in the campaign's time zone. The
// animation (reveal.js) only shows what the server already decided (the wheel stops on the drawn prize);
// with prefers-reduced-motion it is skipped.
(function () {
  var root = document.getElementById('scan');
  var view = JSON.parse(document.getElementById('view').textContent);
  var code = root.getAttribute('data-code'), user = root.getAttribute('data-user');
  var verdict = document.getElementById('verdict'), prizeCard = document.getElementById('prize'), stage = document.getElementById('stage');
  var en = view.lang === 'en';
  var page = view.page || {};
  var hotline = page.hotline || '';
  if (page.color) document.documentElement.style.setProperty('--brand', page.color);

  var W = en ? {
    genuine: 'Genuine product', firstScan: 'This code is being checked for the first time.',
    noCampaign: 'Thank you for choosing a genuine product.',
    youWon: 'You won', lost: 'No prize this time', thanks: 'Thanks', lostLine: 'Thank you for taking part: good luck next time.',
    voucherClaim: 'Show this voucher in a shop: the clerk scans it and hands over your prize.',
    openVoucher: 'Open voucher', redeemBy: 'Redeem by ',
    cashClaim: 'The money is paid into the account you scanned with (such as your WeChat wallet), usually within 24 hours. Its state is under My prizes.',
    pointsClaim: 'The points are in your member account: spend them on gifts in the brand\'s member centre.',
    balance: 'Your points balance: ',
    anonPoints: 'Points go to member accounts only: sign in through the brand\'s account, then scan again to collect them.',
    repeatMine: function (n, t) { return 'Genuine product · you first checked this code on ' + t + ' (' + n + ' checks).'; },
    yourPrize: 'Your prize: ',
    state: { open: 'not yet redeemed', redeemed: 'redeemed', pending: 'being paid out, usually within 24 hours', paid: 'paid out', failed: 'payout failed: please call the brand', credited: 'points credited', collected: 'added to your card set' },
    redeemedAt: function (shop, t) { return 'redeemed at shop ' + shop + ' on ' + t; },
    fakeHead: 'Beware of counterfeits',
    fake: function (n, t) { return 'This code was first checked by someone else on ' + t + ' (' + n + ' checks). If that was not you, the product may be counterfeit.'; },
    callHotline: 'Please call the brand hotline: ',
    paused: 'The promotion is paused. Your code has not been used: scan it again when the promotion resumes.',
    voidHead: 'Warning: withdrawn code',
    voidLine: 'This code belongs to a batch the brand has withdrawn: the product may not come from the brand. Do not use it.',
    pendingHead: 'Not activated yet', pendingLine: 'This code has not been activated by the brand yet: try again later.',
    geofence: 'This product\'s promotion does not cover where you are.',
    dailyLimit: 'You have reached today\'s limit for this promotion: come back tomorrow.',
    busy: 'Many people are scanning right now: please try again in a minute.',
    blacklisted: 'Your account cannot take part in this promotion.',
    noPosition: 'This promotion needs your location: allow location access and try again.', retry: 'Try again',
    cannot: 'The check is unavailable for a moment: please try again.', network: 'Network error: please try again.',
    invalid: 'This code is unknown: the product may not be genuine.',
    setDone: function (prize) { return 'Set complete! You also won: ' + prize; }, setRefused: 'Set complete, but its prize is all given out.',
    tap: { 'red-packet': 'Tap to open', scratch: 'Scratch to reveal', wheel: 'Spinning…' }
  } : {
    genuine: '正品验证通过', firstScan: '此码为首次查询。',
    noCampaign: '感谢您选购正品。',
    youWon: '恭喜您获得', lost: '谢谢参与', thanks: '谢谢参与', lostLine: '本次未中奖，祝您下次好运。',
    voucherClaim: '到店出示此兑奖码，店员扫码后即可领取奖品。',
    openVoucher: '查看兑奖券', redeemBy: '兑奖截止：',
    cashClaim: '红包将发放至您扫码登录的账户（如微信零钱），一般 24 小时内到账，可在“我的奖品”查看发放状态。',
    pointsClaim: '积分已存入您的会员账户，可在品牌会员中心兑换礼品。',
    balance: '当前积分余额：',
    anonPoints: '积分仅存入会员账户：请通过品牌公众号登录会员后再次扫码领取。',
    repeatMine: function (n, t) { return '正品 · 您已于 ' + t + ' 查询过此码（共 ' + n + ' 次）。'; },
    yourPrize: '您的奖品：',
    state: { open: '未使用', redeemed: '已核销', pending: '红包发放中，一般 24 小时内到账', paid: '红包已到账', failed: '红包发放失败，请联系品牌客服', credited: '积分已到账', collected: '已放入集卡册' },
    redeemedAt: function (shop, t) { return '已于 ' + t + ' 在门店 ' + shop + ' 核销'; },
    fakeHead: '谨防假冒',
    fake: function (n, t) { return '此码已被他人查询 ' + n + ' 次，首次查询于 ' + t + '。如非您本人查询，此产品可能是假冒产品。'; },
    callHotline: '请致电品牌热线：',
    paused: '活动暂停中，此码未被使用，活动恢复后可再次扫码参与。',
    voidHead: '警告：此码已作废',
    voidLine: '此码所属批次已被品牌作废，产品来源可疑，请勿购买或使用。',
    pendingHead: '此码尚未激活', pendingLine: '品牌尚未激活此码，请稍后再试。',
    geofence: '您所在的地区不在本活动范围内。',
    dailyLimit: '您今天的参与次数已达上限，请明天再来。',
    busy: '当前参与人数较多，请一分钟后再试。',
    blacklisted: '您的账户暂不能参与本活动。',
    noPosition: '本活动需要获取您的位置，请允许定位后重试。', retry: '重试',
    cannot: '暂时无法验证，请稍后再试。', network: '网络错误，请重试。',
    invalid: '未查到此码，产品可能不是正品。',
    setDone: function (prize) { return '集齐一套！您还获得：' + prize; }, setRefused: '已集齐一套，但套装奖品已发完。',
    tap: { 'red-packet': '点击拆红包', scratch: '刮开查看结果', wheel: '转盘转动中…' }
  };

  var timeFmt = new Intl.DateTimeFormat(en ? 'en-GB' : 'zh-CN', { timeZone: view.timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  function when(iso) { return timeFmt.format(new Date(iso)); }
  function yuan(fen) { return '¥' + (fen / 100).toFixed(2); }
  function prizeLine(pr) {
    if (pr.amount == null) return pr.name;
    if (pr.kind === 'cash') return pr.name + ' ' + yuan(pr.amount);
    if (pr.kind === 'points') return pr.name + (en ? ' +' + pr.amount + ' points' : ' +' + pr.amount + ' 积分');
    return pr.name;
  }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function head(target, cls, title, line) {
    target.textContent = '';
    target.appendChild(el('h1', cls, title));
    if (line) target.appendChild(el('p', 'line', line));
    target.hidden = false;
    return target;
  }
  function hotlineLine(target) {
    if (!hotline) return;
    var p = el('p', 'line', W.callHotline), a = el('a', null, hotline);
    a.href = 'tel:' + hotline.replace(/[^0-9+]/g, '');
    p.appendChild(a); target.appendChild(p);
  }
  function prizeView(id) { return (view.prizes && Object.prototype.hasOwnProperty.call(view.prizes, id)) ? view.prizes[id] : null; }
  function myWins() {
    return fetch('/me?format=json', { credentials: 'same-origin' }).then(function (r) { return r.json(); });
  }

  // how a prize is claimed, per kind; the campaign's own words first
  function claimInto(target, pr) {
    var pv = prizeView(pr.id) || {};
    if (pr.kind === 'gift' || pr.kind === 'coupon') {
      target.appendChild(el('p', 'line', pv.claim || W.voucherClaim));
      if (pr.voucher) {
        var img = el('img', 'qr'); img.alt = ''; img.src = '/v/' + encodeURIComponent(pr.voucher.code) + '/qr.svg';
        target.appendChild(img);
        target.appendChild(el('p', 'voucher-code', pr.voucher.code));
        var a = el('a', 'button', W.openVoucher); a.id = 'open-voucher'; a.href = '/v/' + encodeURIComponent(pr.voucher.code);
        target.appendChild(a);
      }
      if (pv.redeemBy) target.appendChild(el('p', 'line redeem-by', W.redeemBy + pv.redeemBy));
    } else if (pr.kind === 'cash') {
      target.appendChild(el('p', 'line', pv.claim || W.cashClaim));
    } else if (pr.kind === 'points') {
      target.appendChild(el('p', 'line', pv.claim || W.pointsClaim));
      var bal = el('p', 'line balance'); bal.id = 'balance'; target.appendChild(bal);
      // the balance is credited by the persist step, a moment after the answer: ask until it shows
      var tries = 0;
      (function poll() {
        myWins().then(function (me) {
          // an anonymous visitor has no member account: the engine credits points to members only
          if (typeof me.user === 'string' && me.user.indexOf('anon_') === 0) { bal.textContent = W.anonPoints; return; }
          if (me.points != null && (me.points >= pr.amount || tries >= 15)) bal.textContent = W.balance + me.points;
          else if (tries++ < 15) setTimeout(poll, 400);
        }).catch(function () {});
      })();
    }
  }

  // the animation lives in reveal.js (shared with the store's pages); `won` is the prize id the server drew
  function reveal(won) { window.scanlotReveal(stage, prizeCard, view, won, W); }

  function showWin(j) {
    var pr = j.prize;
    head(prizeCard, 'ok', W.youWon, null);
    var name = el('p', 'prize-name', prizeLine(pr)); name.id = 'prize-name';
    prizeCard.appendChild(name);
    claimInto(prizeCard, pr);
    // 集卡: the card this scan gave completed a set, whose prize came with it
    if (j.set && j.set.completed) {
      var done = el('p', 'line set-done', j.set.prize ? W.setDone(j.set.prize.name) : W.setRefused); done.id = 'set-done';
      prizeCard.appendChild(done);
      if (j.set.prize) claimInto(prizeCard, j.set.prize);
    }
    reveal(pr.id);
  }

  function showRepeatMine(j) {
    head(verdict, 'warn', W.genuine, W.repeatMine(j.scan.count, when(j.scan.firstAt)));
    if (!j.original || !j.original.prize) return;
    var pr = j.original.prize;
    head(prizeCard, 'ok', W.yourPrize + prizeLine(pr), null);
    var state = el('p', 'line state'); state.id = 'prize-state'; prizeCard.appendChild(state);
    myWins().then(function (me) {
      var mine = (me.wins || []).filter(function (w) { return w.eventId === j.original.eventId; })[0];
      if (!mine) return;
      state.textContent = mine.redemption ? W.redeemedAt(mine.redemption.shop, when(mine.redemption.at)) : (W.state[mine.state] || '');
      if (mine.state === 'open') claimInto(prizeCard, { id: pr.id, kind: pr.kind, amount: pr.amount, name: pr.name, voucher: mine.voucher });
    }).catch(function () {});
  }

  function showBlocked(j) {
    var r = j.reason;
    if (r === 'campaign_paused') { head(verdict, 'ok', W.genuine, W.paused); return; }
    if (r === 'batch_void') { verdict.className = 'card fake'; head(verdict, 'fake', W.voidHead, W.voidLine); hotlineLine(verdict); return; }
    if (r === 'batch_pending') { head(verdict, 'warn', W.pendingHead, W.pendingLine); hotlineLine(verdict); return; }
    if (r === 'geofence') { head(verdict, 'ok', W.genuine, W.geofence); return; }
    if (r === 'user_daily_limit') { head(verdict, 'ok', W.genuine, W.dailyLimit); return; }
    if (r === 'ip_limit') { head(verdict, 'warn', W.genuine, W.busy); return; }
    if (r === 'blacklisted') { head(verdict, 'warn', W.blacklisted, null); hotlineLine(verdict); return; }
    if (r === 'no_position') {
      head(verdict, 'warn', W.genuine, W.noPosition);
      var b = el('button', 'button', W.retry); b.type = 'button';
      b.addEventListener('click', function () { locate(true); });
      verdict.appendChild(b);
      return;
    }
    head(verdict, 'warn', W.cannot, null);
  }

  var body = { code: code };
  if (user) body.user = user;
  function send() {
    fetch('/v1/scans', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (a) {
        var s = a[0], j = a[1];
        if (s === 404) { verdict.className = 'card fake'; head(verdict, 'fake', W.fakeHead, W.invalid); hotlineLine(verdict); return; }
        if (s === 429) { head(verdict, 'warn', W.busy, null); return; }
        if (s !== 200) { head(verdict, 'warn', W.cannot, null); return; }
        if (j.outcome === 'blocked') { showBlocked(j); return; }
        if (j.outcome === 'repeat') {
          if (!j.scan.sameUser) {
            // someone else consumed this code first: a copied code on a fake product looks like this
            verdict.className = 'card fake';
            head(verdict, 'fake', W.fakeHead, W.fake(j.scan.count, when(j.scan.firstAt)));
            hotlineLine(verdict);
            return;
          }
          showRepeatMine(j);
          return;
        }
        head(verdict, 'ok', W.genuine, j.outcome === 'verified' ? W.firstScan + W.noCampaign : W.firstScan);
        if (j.outcome === 'won' && j.prize) showWin(j);
        else if (j.outcome === 'lost') { head(prizeCard, '', W.lost, W.lostLine); reveal(null); }
      })
      .catch(function () { head(verdict, 'warn', W.network, null); });
  }
  // the position is asked for on https (browsers refuse it elsewhere), or when the campaign requires it
  function locate(force) {
    if (navigator.geolocation && (location.protocol === 'https:' || force)) {
      navigator.geolocation.getCurrentPosition(function (pos) { body.lat = pos.coords.latitude; body.lng = pos.coords.longitude; send(); }, function () { send(); }, { timeout: 3000 });
    } else send();
  }
  locate(false);
})();
