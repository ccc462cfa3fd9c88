// What the fulfilment pages share: text escaping (every user- or operator-given string is rendered as
// text), one stylesheet allowed by its hash in a CSP that allows nothing else (no script at all).
import { createHash } from 'node:crypto';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f6f4;color:#222}
main{max-width:28rem;margin:0 auto;padding:1.5rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.3rem;margin:.2rem 0}.en{color:#666;font-size:.9rem}
.ok{color:#0a7d32}.warn{color:#b35c00}.bad{color:#b00020}
.qr svg{width:100%;max-width:16rem;display:block;margin:0 auto}
code{font-size:1rem;letter-spacing:.08em;word-break:break-all}
ul{padding-left:1.1rem}li{margin:.5rem 0}`;

const CSP =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; ` +
  `img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export const HTML_HEADERS: readonly (readonly [string, string])[] = [
  ['content-security-policy', CSP],
  ['cache-control', 'no-store'],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
];

export const HTML_TYPE = 'text/html; charset=utf-8';

/** The page around `body` (already escaped HTML). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style></head>
<body><main>
${body}
</main></body></html>`;
}

/** A prize as one line of text: cash in minor units (fen), points as points. */
export function prizeText(p: { name: string; kind: string; amount: number | null }): string {
  if (p.amount === null) return p.name;
  if (p.kind === 'cash') return `${p.name} ¥${(p.amount / 100).toFixed(2)}`;
  if (p.kind === 'points') return `${p.name} +${p.amount} 积分 points`;
  return `${p.name} (${p.amount})`;
}
