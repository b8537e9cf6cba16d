/**
 * CSV as RFC 4180 writes it (what spreadsheets export and Chatwoot's contact import reads): fields
 * separated by commas, quoted when they hold a comma, a quote or a line break, quotes doubled inside
 * quotes, rows ended by CRLF or LF. A byte order mark at the start is dropped.
 */

/** The rows of a CSV text; a trailing line break adds no empty row. */
export function parseCsv(text: string): string[][] {
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false;
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
      continue;
    }
    if (char === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (char === ",") {
      row.push(field);
      field = "";
      fieldStarted = false;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && input[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      fieldStarted = false;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const needsQuotes = /[",\r\n]/;

/**
 * One CSV line (CRLF-terminated). A field a spreadsheet would run as a formula (starting with =, +,
 * -, @, a tab or a carriage return) is prefixed with an apostrophe, so an exported contact's name
 * cannot become a formula in whoever opens the file (OWASP's CSV injection advice).
 */
export function csvLine(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields
    .map((value) => {
      let text = value === null || value === undefined ? "" : String(value);
      if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
      return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(",")}\r\n`;
}
