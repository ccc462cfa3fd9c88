// The mobile landing page, as a person sees it in a real (headless) Chromium.
import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { CHROMIUM, renderPage } from '../testing/headless-chromium.js';

let batchId: number;
const fx = useEngine();

beforeAll(async () => {
  ({ batchId } = await fx.client.batchWithLiveCampaign([{ id: 'red', name: 'Red packet 红包', kind: 'cash', probability: 1, amount: 188 }], { size: 10 }));
});

const text = (html: string): string => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe.skipIf(!CHROMIUM)('landing page in Chromium', () => {
  it('first visit: genuine, first scan, shows the prize; a second visitor (another browser): warned, scanned 2 times since T', async () => {
    const code = fx.engine.codec.encode(batchId, 3);
    const first = text(await renderPage(`${fx.engine.url}/c/${code}`));
    // Chromium run from the command line asks for en-US: the page answers in English only
    expect(first).toContain('Genuine product');
    expect(first).toContain('checked for the first time');
    expect(first).not.toContain('正品');
    expect(first).toContain('Red packet 红包');
    expect(first).toContain('¥1.88');

    // a fresh browser profile: another anonymous visitor
    const second = text(await renderPage(`${fx.engine.url}/C/${code}`));
    expect(second).toMatch(/Beware of counterfeits This code was first checked by someone else on \d+ \w+ \d{4}, \d\d:\d\d \(2 checks\)/);
    expect(second).toContain('may be counterfeit');
  });

  it('a repeat by someone else warns in its own colour; a repeat by the same user stays friendly', async () => {
    const code = fx.engine.codec.encode(batchId, 7);
    await renderPage(`${fx.engine.url}/c/${code}?user=wx_first`);
    const other = await renderPage(`${fx.engine.url}/c/${code}?user=wx_second`);
    expect(text(other)).toContain('Beware of counterfeits');
    expect(text(other)).toContain('may be counterfeit');
    expect(other).toMatch(/<div class="card fake" id="verdict">/);
    const same = await renderPage(`${fx.engine.url}/c/${code}?user=wx_first`);
    expect(text(same)).toMatch(/Genuine product · you first checked this code on .+ \(3 checks\)/);
    expect(text(same)).toContain('Your prize: Red packet 红包');
    expect(text(same)).not.toContain('Beware');
    expect(text(same)).not.toContain('counterfeit');
    expect(same).not.toContain('fake');
  });

  it('an upstream identity is used as the user', async () => {
    const code = fx.engine.codec.encode(batchId, 4);
    await renderPage(`${fx.engine.url}/c/${code}?user=wx_o6_abc`);
    const again = await fx.client.scan({ code, user: 'wx_o6_abc' });
    expect(again).toMatchObject({ outcome: 'repeat', scan: { sameUser: true }, original: { prize: { id: 'red' } } });
  });

  it('a forged code shows the warning page (404) and scans nothing', async () => {
    const code = fx.engine.codec.encode(batchId, 5);
    const forged = code.slice(0, 10) + (code[10] === 'A' ? 'B' : 'A') + code.slice(11);
    const r = await fetch(`${fx.engine.url}/c/${forged}`);
    expect(r.status).toBe(404);
    expect(text(await renderPage(`${fx.engine.url}/c/${forged}`))).toContain('This code is unknown');
    expect((await fx.client.batch(batchId)).scanned).toBe(3); // serials 3, 4 and 7 above
  });
});

describe('landing page over plain HTTP', () => {
  it('sets an anonymous visitor cookie once and serves the GS1 Digital Link form', async () => {
    const code = fx.engine.codec.encode(batchId, 6);
    const r = await fetch(`${fx.engine.url}/c/${code}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^scanlot_session=anon_[A-Za-z0-9_-]+~\d+~a~[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const again = await fetch(`${fx.engine.url}/c/${code}`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain(cookie.split(';')[0]!.split('=')[1]!.split('~')[0]);
    const gtinBatch = (await fx.client.createBatch({ sku: '06901234567892', size: 10 })).batchId;
    const gtinCode = fx.engine.codec.encode(gtinBatch, 1);
    const gs1 = await fetch(`${fx.engine.url}/01/06901234567892/21/${gtinCode}`);
    expect(gs1.status).toBe(200);
    expect(await gs1.text()).toContain(gtinCode);
    // fetching the page (three times above) does not consume the code (link previews, crawlers): its
    // first scan is still to come
    const first = await fx.client.scan({ code, user: 'wx_after_preview' });
    expect(first).toMatchObject({ outcome: 'won', scan: { count: 1 } });
  });
});
