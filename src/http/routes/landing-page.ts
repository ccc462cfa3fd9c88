// GET /c/{code} (and /C/{code}, /01/{GTIN}/21/{code}): the page a phone opens from the QR code.
// The server checks the MAC (a forged code gets a 404 page, no Redis call) and sends a small page
// whose script runs the scan through POST /v1/scans, so link previews and crawlers that only fetch
// the page never consume a code. The visitor is an anonymous id kept in a cookie, unless an
// upstream identity (X-Scanlot-User header from a login gateway, or ?user=) is given.
import { randomBytes } from 'node:crypto';
import type { CodeCodec } from '../../codes/code-codec.js';
import { canonicalCode } from '../../codes/code-codec.js';
import { ID_RE } from '../../validation/json-fields.js';
import type { HttpCall, Reply } from '../http-call.js';
import type { Route } from '../router.js';

const COOKIE = 'scanlot_uid';

function visitor(call: HttpCall): { user: string; setCookie: boolean } {
  const upstream = call.queryParam('user');
  if (upstream !== null && ID_RE.test(upstream)) return { user: upstream, setCookie: false };
  const m = new RegExp(`(?:^|;\\s*)${COOKIE}=([A-Za-z0-9_-]{8,64})`).exec(call.cookie);
  if (m) return { user: m[1] as string, setCookie: false };
  return { user: `anon_${randomBytes(12).toString('base64url')}`, setCookie: true };
}

function page(code: string, user: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>正品验证 · Product check</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f6f4;color:#222}
main{max-width:28rem;margin:0 auto;padding:1.5rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.3rem;margin:.2rem 0}.en{color:#666;font-size:.9rem}
.ok{color:#0a7d32}.warn{color:#b35c00}.bad{color:#b00020}
#prize{font-size:1.2rem}
code{font-size:.8rem;color:#888}
</style></head>
<body><main>
<div class="card" id="verdict"><h1>正在验证… <span class="en">Checking…</span></h1></div>
<div class="card" id="prize" hidden></div>
<p><code id="code">${code}</code></p>
</main>
<script>
(function(){
  var code=${JSON.stringify(code)}, user=${JSON.stringify(user)};
  var v=document.getElementById('verdict'), p=document.getElementById('prize');
  function show(el, cls, zh, en){ el.innerHTML='<h1 class="'+cls+'"></h1><div class="en"></div>'; el.firstChild.textContent=zh; el.lastChild.textContent=en; el.hidden=false; }
  // cash amounts are in minor units (fen); points are whole points
  function amount(pr){ if(pr.amount==null) return ''; return pr.kind==='cash' ? ' ¥'+(pr.amount/100).toFixed(2) : pr.kind==='points' ? ' +'+pr.amount+' 积分 points' : ' ('+pr.amount+')'; }
  function when(iso){ var d=new Date(iso); return d.toLocaleString('zh-CN',{hour12:false}); }
  var body={code:code,user:user};
  function send(){
    fetch('/v1/scans',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)})
    .then(function(r){return r.json().then(function(j){return [r.status,j];});})
    .then(function(a){
      var s=a[0], j=a[1];
      if(s!==200){ show(v,'bad','无法验证此码','This code could not be checked ('+(j.error&&j.error.code||s)+')'); return; }
      if(j.outcome==='blocked'){ show(v,'bad','此码暂不可用','This code cannot be used now ('+j.reason+')'); return; }
      if(j.outcome==='repeat'){
        show(v,'warn','正品 · 此码已被查询 '+j.scan.count+' 次，首次查询于 '+when(j.scan.firstAt),
          'Genuine · scanned '+j.scan.count+' times since '+j.scan.firstAt);
        if(j.original&&j.original.prize){ show(p,'ok','您已领取：'+j.original.prize.name,'You already won: '+j.original.prize.name); }
        return;
      }
      show(v,'ok','正品 · 首次查询','Genuine product · first scan');
      if(j.outcome==='won'&&j.prize){ var a=amount(j.prize); show(p,'ok','恭喜您获得：'+j.prize.name+a,'You won: '+j.prize.name+a); }
      else if(j.outcome==='lost'){ show(p,'','谢谢参与','No prize this time'); }
    })
    .catch(function(){ show(v,'bad','网络错误，请重试','Network error, please retry'); });
  }
  if(navigator.geolocation&&location.protocol==='https:'){
    navigator.geolocation.getCurrentPosition(function(pos){ body.lat=pos.coords.latitude; body.lng=pos.coords.longitude; send(); }, send, {timeout:3000});
  } else send();
})();
</script></body></html>`;
}

const notFoundPage = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>无效的码 · Invalid code</title></head>
<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem"><h1 style="color:#b00020">无效的码，可能是假冒产品</h1><p>This is not a valid code: the product may not be genuine.</p></body></html>`;

const HTML = 'text/html; charset=utf-8';

export function landingRoutes(codec: CodeCodec): Route[] {
  const handle = (call: HttpCall, codeParam: string): Reply => {
    const decoded = codec.decode(codeParam);
    if (decoded === null) return { status: '404 Not Found', body: notFoundPage, type: HTML };
    const { user, setCookie } = visitor(call);
    const headers: [string, string][] = [['cache-control', 'no-store']];
    if (setCookie) headers.push(['set-cookie', `${COOKIE}=${user}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly`]);
    return { status: '200 OK', body: page(canonicalCode(codeParam), user), type: HTML, headers };
  };
  return [
    { method: 'get', pattern: '/c/:code', handle: (call) => handle(call, call.params[0] ?? '') },
    { method: 'get', pattern: '/C/:code', handle: (call) => handle(call, call.params[0] ?? '') },
    { method: 'get', pattern: '/01/:gtin/21/:code', handle: (call) => handle(call, call.params[1] ?? '') },
  ];
}
