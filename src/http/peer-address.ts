// The peer's IP address as text, from the binary address uWS gives (4 or 16 bytes). uWS' own text form
// spells an IPv4 client of a dual-stack listener as a full IPv6 address ("0000:0000:0000:0000:0000:ffff:
// 7f00:0001") and costs more per call (1.3-2.1 vs 0.9-1.0 µs with this formatting, measured; both make
// one getpeername system call); this gives the usual forms: dotted quad for IPv4 and IPv4-mapped IPv6,
// RFC 5952 for other IPv6 (lower case, no leading zeros, the longest run of two or more zero groups as ::).
export function peerAddressText(address: ArrayBuffer): string {
  const b = new Uint8Array(address);
  if (b.length === 4) return dotted(b, 0);
  if (b.length !== 16) return '';
  if (isV4Mapped(b)) return dotted(b, 12);
  return ipv6Text(b);
}

function dotted(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function ipv6Text(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] as number) << 8) | (b[i + 1] as number));
  // the first longest run of zero groups, if at least two long
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestAt < 0) return hex(0, 8);
  return `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}
