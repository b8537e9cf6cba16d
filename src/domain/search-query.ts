/**
 * What a person typed into a search box, as a safe SQLite FTS5 query: each word becomes a quoted
 * prefix term (`"bill"*`), all of them required. Quotes, `*`, `-`, `:`, parentheses and the words
 * AND, OR, NOT and NEAR lose their FTS5 meaning, so no input is a syntax error.
 */

/** A word as the FTS5 unicode61 tokenizer sees one: letters and digits, with their combining marks. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
const MAX_TERMS = 12;
const MAX_TERM_LENGTH = 64;

/** The FTS5 MATCH expression for `text`, or null when it holds no word to search for. */
export function ftsPrefixQuery(text: string): string | null {
  const words = text.normalize("NFKC").match(WORD) ?? [];
  const terms = [...new Set(words.map((word) => [...word].slice(0, MAX_TERM_LENGTH).join("")))].slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(" ");
}
