// 集卡 on /me: each set the user has cards of, the cards held (and missing), the sets completed, and the
// prize a complete set wins. Every name is the brand's or the operator's: rendered as text.
import { esc } from './html.js';
import type { Lang } from './page-language.js';

export interface SetProgress {
  readonly campaignId: string;
  readonly setId: string;
  readonly prizeName: string;
  readonly cards: readonly { readonly id: string; readonly name: string; readonly held: number }[];
  /** sets completed so far */
  readonly done: number;
}

const W = {
  zh: { title: '集卡进度', done: (n: number) => `已集齐 ${n} 套`, next: (have: number, all: number) => `下一套：${have}/${all} 张`, prize: '集齐可得：' },
  en: { title: 'Card sets', done: (n: number) => `completed ${n} time(s)`, next: (have: number, all: number) => `next set: ${have} of ${all} cards`, prize: 'A full set wins: ' },
} as const;

export function setProgressHtml(sets: readonly SetProgress[], lang: Lang): string {
  if (sets.length === 0) return '';
  const w = W[lang];
  const items = sets.map((s) => {
    // a card counts towards the next set while the user holds more of it than the sets completed
    const cards = s.cards.map((c) => `<span class="chip ${c.held > s.done ? 'held' : 'missing'}">${esc(c.name)} ×${c.held}</span>`).join(' ');
    const have = s.cards.filter((c) => c.held > s.done).length;
    return `<li data-set="${esc(s.setId)}"><strong>${esc(s.setId)}</strong> <span class="muted">${w.done(s.done)} · ${w.next(have, s.cards.length)}</span><br>${cards}<br><span class="muted">${w.prize}${esc(s.prizeName)}</span></li>`;
  });
  return `<div class="card"><h1>${w.title}</h1><ul class="sets" id="sets">${items.join('')}</ul></div>`;
}
