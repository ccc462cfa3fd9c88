// ISO 8601 text of a time in ms, as Date#toISOString writes it, for the scan hot path: toISOString costs
// about 0.9 µs a call, and every first scan needs one. The part down to the second is kept from the
// previous call, so within a second only the milliseconds are written.
export class IsoTime {
  #second = Number.NaN;
  /** "YYYY-MM-DDTHH:MM:SS." of #second */
  #prefix = '';

  text(ms: number): string {
    if (!Number.isInteger(ms) || ms < 0) return new Date(ms).toISOString();
    const second = Math.floor(ms / 1000);
    if (second !== this.#second) {
      const full = new Date(ms).toISOString();
      // years past 9999 are written with a sign and six digits: not worth a prefix of their own
      if (full.length !== 24) return full;
      this.#second = second;
      this.#prefix = full.slice(0, 20);
    }
    const m = ms - second * 1000;
    return `${this.#prefix}${m < 10 ? '00' : m < 100 ? '0' : ''}${m}Z`;
  }
}
