// GET /console: the operator console, a page of static modules that talk to the API
// with the credential the operator signs in with (kept in sessionStorage, sent as a bearer header,
// never in a URL). The page and its assets are public (they hold no data); every API call is checked.
// Strict CSP: scripts and styles only from this origin, no inline code, no framing.
import type { Route } from '../http/router.js';
import type { Reply } from '../http/http-call.js';
import { loadConsoleAssets } from './console-assets.js';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['content-security-policy', CONSOLE_CSP],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
];

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>scanlot 运营控制台 · Operator console</title>
<link rel="stylesheet" href="/console/assets/uplot.css"><link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/app.js"></script>
</head><body><div id="app"><p class="boot">加载中… Loading…</p></div></body></html>`;

export function consoleRoutes(): Route[] {
  const assets = loadConsoleAssets();
  const page: Reply = { status: '200 OK', body: PAGE, type: 'text/html; charset=utf-8', headers: [...SECURITY_HEADERS, ['cache-control', 'no-store']] };
  return [
    // roles: operator (the page itself carries no data: the API calls it makes are checked)
    { method: 'get', pattern: '/console', handle: () => page },
    { method: 'get', pattern: '/console/', handle: () => page },
    {
      method: 'get',
      pattern: '/console/assets/:file',
      handle(call): Reply {
        const asset = assets.get(call.params[0] ?? '');
        if (!asset) return { status: '404 Not Found', body: 'not found', type: 'text/plain; charset=utf-8', headers: SECURITY_HEADERS };
        return { status: '200 OK', body: asset.body, type: asset.type, headers: [...SECURITY_HEADERS, ['cache-control', 'no-cache']] };
      },
    },
  ];
}
