// The landing page's script (served as a file: the page's CSP allows no inline script). It runs the
// scan for the visitor, whose identity the engine keeps in an HttpOnly session cookie.
(function () {
  var root = document.getElementById('scan');
  var code = root.getAttribute('data-code'), user = root.getAttribute('data-user');
  var v = document.getElementById('verdict'), p = document.getElementById('prize');
  function show(el, cls, zh, en) {
    el.textContent = '';
    var h = document.createElement('h1'), d = document.createElement('div');
    h.className = cls; d.className = 'en'; h.textContent = zh; d.textContent = en;
    el.appendChild(h); el.appendChild(d); el.hidden = false;
  }
  // cash amounts are in minor units (fen); points are whole points
  function amount(pr) { if (pr.amount == null) return ''; return pr.kind === 'cash' ? ' ¥' + (pr.amount / 100).toFixed(2) : pr.kind === 'points' ? ' +' + pr.amount + ' 积分 points' : ' (' + pr.amount + ')'; }
  function when(iso) { return new Date(iso).toLocaleString('zh-CN', { hour12: false }); }
  var body = { code: code };
  if (user) body.user = user;
  function send() {
    fetch('/v1/scans', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (a) {
        var s = a[0], j = a[1];
        if (s !== 200) { show(v, 'bad', '无法验证此码', 'This code could not be checked (' + (j.error && j.error.code || s) + ')'); return; }
        if (j.outcome === 'blocked') { show(v, 'bad', '此码暂不可用', 'This code cannot be used now (' + j.reason + ')'); return; }
        if (j.outcome === 'repeat') {
          if (!j.scan.sameUser) {
            // someone else consumed this code first: a copied code on a fake product looks like this
            v.className = 'card fake';
            show(v, 'fake', '谨防假冒 · 此码已被他人查询 ' + j.scan.count + ' 次，首次查询于 ' + when(j.scan.firstAt),
              'Warning: this code was first scanned by someone else (' + j.scan.count + ' scans since ' + j.scan.firstAt + '): the product may be counterfeit');
            return;
          }
          show(v, 'warn', '正品 · 此码已被查询 ' + j.scan.count + ' 次，首次查询于 ' + when(j.scan.firstAt),
            'Genuine · scanned ' + j.scan.count + ' times since ' + j.scan.firstAt);
          if (j.original && j.original.prize) { show(p, 'ok', '您已领取：' + j.original.prize.name, 'You already won: ' + j.original.prize.name); }
          return;
        }
        show(v, 'ok', '正品 · 首次查询', 'Genuine product · first scan');
        if (j.outcome === 'won' && j.prize) { var am = amount(j.prize); show(p, 'ok', '恭喜您获得：' + j.prize.name + am, 'You won: ' + j.prize.name + am); }
        else if (j.outcome === 'lost') { show(p, '', '谢谢参与', 'No prize this time'); }
      })
      .catch(function () { show(v, 'bad', '网络错误，请重试', 'Network error, please retry'); });
  }
  if (navigator.geolocation && location.protocol === 'https:') {
    navigator.geolocation.getCurrentPosition(function (pos) { body.lat = pos.coords.latitude; body.lng = pos.coords.longitude; send(); }, send, { timeout: 3000 });
  } else send();
})();
