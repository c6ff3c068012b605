/**
 * Job summaries are Markdown with HTML allowed, built partly from values we do not control (metadata,
 * file names, registry answers, test output). Every such value goes through one of these helpers, so
 * it shows as the text it is: no markup, no broken table row, no invisible characters.
 */

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]/gu;
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/** Control and invisible format characters shown as `\uXXXX` (but `\n` with `keepLines`); tabs become spaces. */
function visible(text: string, keepLines = false): string {
  return text
    .replaceAll('\t', ' ')
    .replace(INVISIBLE, (c) =>
      keepLines && c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

/** `&`, `<`, `>`, `"`, `'` as entities: text inside HTML, or Markdown text where markup must not apply. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Text on one line of Markdown (a table cell, a list item, a sentence): markup shown as typed (HTML as
 * entities, Markdown punctuation backslash-escaped), line breaks as spaces, `|` escaped for tables.
 */
export function mdText(text: string): string {
  return escapeHtml(visible(text.replace(LINE_BREAKS, ' '))).replace(/[\\`*_[\]!~|]/g, (c) => `\\${c}`);
}

/** A line of our own Markdown that embeds text we do not control: HTML escaped, invisible characters shown, one line. */
export function mdLine(markdown: string): string {
  return escapeHtml(visible(markdown.replace(LINE_BREAKS, ' ')));
}

/**
 * Text inside HTML (`<td>`, `<li>`, `<h3>`): markup escaped, line breaks as spaces (a blank line would
 * end the HTML block), or kept with `keepLines` (`<pre>`).
 */
export function htmlText(text: string, keepLines = false): string {
  return escapeHtml(visible(text.replace(LINE_BREAKS, keepLines ? '\n' : ' '), keepLines));
}

/**
 * An inline code span on one line, safe in a table cell (unless `inTable` is false): the backtick fence is longer than any run of
 * backticks inside (Markdown does not render HTML in code spans, so nothing else needs escaping).
 */
export function mdCode(text: string, inTable = true): string {
  if (text === '') return '';
  // GitHub reads `\|` as `|` in a table cell, code spans included; elsewhere it would show the `\`.
  const line = visible(text.replace(LINE_BREAKS, ' '));
  const flat = inTable ? line.replaceAll('|', '\\|') : line;
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block whose fence no line of `text` can close. */
export function mdFence(text: string, lang = ''): string {
  const body = visible(text.replace(LINE_BREAKS, '\n'), true);
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}
