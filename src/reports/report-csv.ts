// CSV of report rows: a header naming each column's unit, cells safe to open in a spreadsheet.
// a spreadsheet runs a cell that starts with one of these as a formula
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const safe = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export interface CsvColumn<R> {
  readonly header: string;
  readonly cell: (row: R) => string | number | null;
}

/** the whole CSV in chunks of about 64 KiB, for streamBody */
export function csvOf<R>(columns: readonly CsvColumn<R>[], rows: readonly R[]): () => Buffer | null {
  let i = -1;
  return () => {
    if (i >= rows.length) return null;
    let text = '';
    if (i < 0) {
      // a byte order mark: spreadsheet programs then read the Chinese names as UTF-8
      text = `\uFEFF${columns.map((c) => c.header).join(',')}\n`;
      i = 0;
    }
    while (i < rows.length && text.length < 65_536) {
      const row = rows[i++] as R;
      text += `${columns.map((c) => csvCell(c.cell(row))).join(',')}\n`;
    }
    return Buffer.from(text);
  };
}
