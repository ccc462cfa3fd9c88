// The check-in page's script (served as a file: the page's CSP allows no inline script). It checks the
// visitor in at the shop through POST /v1/checkins, shows what that granted and the tickets it revealed,
// and spends a draw chance through POST /v1/draws: the wheel only turns; the server decided the result.
(function () {
  var root = document.getElementById('checkin');
  var scene = root.getAttribute('data-scene'), user = root.getAttribute('data-user');
  var en = root.getAttribute('data-lang') === 'en';
  var verdict = document.getElementById('verdict'), drawCard = document.getElementById('draw-card');
  var chancesLine = document.getElementById('chances'), button = document.getElementById('draw');
  var result = document.getElementById('draw-result'), wheel = document.getElementById('wheel'), reveals = document.getElementById('reveals');
  var W = en ? {
    done: 'Checked in', already: 'You have checked in at this shop today already.', granted: function (c, p) { return 'You got ' + c + ' draw chance(s)' + (p ? ' and ' + p + ' points' : '') + '.'; },
    chances: function (n) { return 'Draw chances left: ' + n; }, draw: 'Spin the wheel', won: 'You won: ', lost: 'No prize this time: good luck next time.',
    ticket: 'Your ticket: show it in a shop to reveal the result.', noChances: 'No draw chance left.', revealed: 'Ticket revealed here: ',
    blocked: { no_position: 'This check-in needs your location: allow location access and try again.', geofence: 'You are not at this shop.', campaign_paused: 'The promotion is paused.', blacklisted: 'Your account cannot take part.' },
    none: 'No promotion takes check-ins at the moment.', failed: 'The check-in is unavailable for a moment: please try again.', mine: 'My prizes', open: 'Open'
  } : {
    done: '签到成功', already: '您今天已在本店签到过。', granted: function (c, p) { return '获得 ' + c + ' 次抽奖机会' + (p ? '，' + p + ' 积分' : '') + '。'; },
    chances: function (n) { return '剩余抽奖机会：' + n; }, draw: '转动转盘', won: '恭喜您获得：', lost: '谢谢参与，祝您下次好运。',
    ticket: '您的抽奖券：到店出示即可开奖。', noChances: '抽奖机会已用完。', revealed: '在本店开奖：',
    blocked: { no_position: '签到需要您的位置，请允许定位后重试。', geofence: '您不在本店范围内。', campaign_paused: '活动已暂停。', blacklisted: '您的账户无法参加本活动。' },
    none: '当前没有可签到的活动。', failed: '暂时无法签到，请稍后再试。', mine: '我的奖品', open: '查看'
  };
  document.getElementById('mine').textContent = W.mine;
  button.textContent = W.draw;
  var campaignId = null;

  function post(path, body) {
    if (user) body.user = user;
    return fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); });
  }
  function line(parent, text, cls) {
    var p = document.createElement('p');
    p.textContent = text;
    if (cls) p.className = cls;
    parent.appendChild(p);
    return p;
  }
  function heading(text) {
    verdict.textContent = '';
    var h = document.createElement('h1');
    h.textContent = text;
    verdict.appendChild(h);
  }
  function prizeText(a) {
    if (a.outcome === 'won') return W.won + a.prize.name + (a.prize.kind === 'cash' && a.prize.amount != null ? ' ¥' + (a.prize.amount / 100).toFixed(2) : '');
    if (a.outcome === 'ticket') return W.ticket + ' ' + a.ticket.code;
    return W.lost;
  }
  function link(parent, href) {
    var a = document.createElement('a');
    a.href = href;
    a.textContent = W.open;
    a.className = 'button';
    parent.appendChild(a);
  }
  function showChances(n) {
    chancesLine.textContent = W.chances(n);
    button.disabled = n < 1;
    drawCard.hidden = false;
  }

  post('/v1/checkins', { sceneCode: scene }).then(function (r) {
    var b = r.body;
    if (r.status === 201) {
      heading(W.done);
      campaignId = b.checkin.campaignId;
      line(verdict, W.granted(b.granted.chances, b.granted.points));
      showChances(b.chances);
      (b.reveals || []).forEach(function (a) {
        var li = document.createElement('li');
        li.textContent = W.revealed + prizeText(a);
        reveals.appendChild(li);
        reveals.hidden = false;
      });
    } else if (r.status === 200 && b.outcome === 'blocked') {
      heading(W.blocked[b.reason] || W.failed);
    } else if (r.status === 409 && b.error && b.error.code === 'already_checked_in') {
      heading(W.already);
    } else if (r.status === 409) {
      heading(W.none);
    } else {
      heading(W.failed);
    }
  }, function () { heading(W.failed); });

  button.addEventListener('click', function () {
    if (!campaignId) return;
    button.disabled = true;
    result.textContent = '';
    post('/v1/draws', { campaignId: campaignId }).then(function (r) {
      wheel.classList.remove('spinning');
      void wheel.offsetWidth;
      wheel.classList.add('spinning');
      var reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      setTimeout(function () {
        if (r.status !== 200) {
          result.textContent = r.body.error && r.body.error.code === 'no_chances' ? W.noChances : W.failed;
          return;
        }
        var a = r.body;
        result.setAttribute('data-outcome', a.outcome);
        line(result, prizeText(a), a.outcome === 'won' ? 'won' : null);
        if (a.prize && a.prize.voucher) link(result, a.prize.voucher.url);
        if (a.ticket) link(result, a.ticket.url);
        showChances(a.chances);
      }, reduced ? 0 : 800);
    }, function () { result.textContent = W.failed; button.disabled = false; });
  });
})();
