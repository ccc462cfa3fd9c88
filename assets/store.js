// The check-in page's script (served as a file: the page's CSP allows no inline script). It checks the
// visitor in at the shop through POST /v1/checkins and says what that granted; the draw card (draw.js)
// spends the chances; a ticket the check-in revealed (线上抽奖,线下开奖) is uncovered with the
// campaign's animation (reveal.js): the server decided it.
(function () {
  var root = document.getElementById('checkin');
  var scene = root.getAttribute('data-scene'), user = root.getAttribute('data-user');
  var D = window.scanlotDraw, en = D.view.lang === 'en';
  var verdict = document.getElementById('verdict');
  var W = en ? {
    done: 'Checked in', already: 'You have checked in at this shop today already: come back tomorrow.',
    granted: function (c, p) { var parts = []; if (c) parts.push(c + ' draw chance' + (c > 1 ? 's' : '')); if (p) parts.push(p + ' points'); return parts.length ? 'You got ' + parts.join(' and ') + '.' : 'Thank you for visiting.'; },
    revealed: 'Your ticket was revealed at this shop',
    blocked: { no_position: 'This check-in needs your location: allow location access and try again.', geofence: 'You are not at this shop: check in when you are there.', campaign_paused: 'The promotion is paused: check in again when it resumes.', blacklisted: 'Your account cannot take part in this promotion.' },
    none: 'No promotion takes check-ins at the moment.', failed: 'The check-in is unavailable for a moment: please try again.'
  } : {
    done: '签到成功', already: '您今天已在本店签到过，明天再来吧。',
    granted: function (c, p) { var parts = []; if (c) parts.push(c + ' 次抽奖机会'); if (p) parts.push(p + ' 积分'); return parts.length ? '获得 ' + parts.join('、') + '。' : '感谢光临。'; },
    revealed: '您的抽奖券已在本店开奖',
    blocked: { no_position: '签到需要您的位置，请允许定位后重试。', geofence: '您不在本店范围内，请到店后再签到。', campaign_paused: '活动暂停中，恢复后可再次签到。', blacklisted: '您的账户暂不能参与本活动。' },
    none: '当前没有可签到的活动。', failed: '暂时无法签到，请稍后再试。'
  };
  var campaignId = D.view.campaign ? D.view.campaign.id : null;

  function heading(cls, text, line) {
    verdict.textContent = '';
    var h = document.createElement('h1'); h.className = cls; h.textContent = text; verdict.appendChild(h);
    if (line) { var p = document.createElement('p'); p.className = 'line'; p.textContent = line; verdict.appendChild(p); }
  }

  var body = { sceneCode: scene };
  if (user) body.user = user;
  if (campaignId) body.campaignId = campaignId;
  D.post('/v1/checkins', body)
    .then(function (r) {
      var b = r.body;
      if (r.status === 201) {
        heading('ok', W.done, W.granted(b.granted.chances, b.granted.points));
        campaignId = b.checkin.campaignId;
        if (b.chances > 0 || b.granted.chances > 0) D.card(function () { return campaignId; }, user, b.chances);
        var reveals = b.reveals || [];
        if (reveals.length > 0) {
          var box = document.getElementById('reveals');
          var head = document.createElement('h2'); head.textContent = W.revealed; box.insertBefore(head, box.firstChild);
          box.hidden = false;
          D.show(document.getElementById('reveal-result'), document.getElementById('reveal-stage'), reveals[0], true);
        }
      } else if (r.status === 200 && b.outcome === 'blocked') {
        heading('warn', W.blocked[b.reason] || W.failed);
      } else if (r.status === 409 && b.error && b.error.code === 'already_checked_in') {
        heading('warn', W.already);
      } else if (r.status === 409) {
        heading('warn', W.none);
      } else {
        heading('warn', W.failed);
      }
    }, function () { heading('warn', W.failed); });
})();
