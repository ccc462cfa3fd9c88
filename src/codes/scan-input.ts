// What a scanning app read from a QR code, as it read it: a bare code, a whole scan URL
// (…/c/{code} or …/C/{code}) or a GS1 Digital Link URI (…/01/{GTIN-14}/21/{code}[/…]).
export interface ScanInput {
  code: string;
  /** the GTIN of a GS1 Digital Link, to be matched against the batch's sku */
  gtin: string | null;
}

const URL_PATH = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)/i;
const SCAN_PATH = /\/c\/([^/]+)\/?$/i;
const GS1_PATH = /\/01\/(\d{14})\/21\/([^/]+)(?:\/.*)?$/;

export function parseScanInput(raw: string): ScanInput | null {
  const text = raw.trim();
  if (text.indexOf('/') < 0) return { code: text, gtin: null };
  const urlMatch = URL_PATH.exec(text);
  // a bare path ("/c/…") is accepted too, as some apps strip the origin
  const path = urlMatch ? (urlMatch[1] as string) : text.startsWith('/') ? text.replace(/[?#].*$/, '') : null;
  if (path === null) return null;
  const gs1 = GS1_PATH.exec(path);
  if (gs1) return { code: safeDecode(gs1[2] as string), gtin: gs1[1] as string };
  const scan = SCAN_PATH.exec(path);
  if (scan) return { code: safeDecode(scan[1] as string), gtin: null };
  return null;
}

function safeDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
