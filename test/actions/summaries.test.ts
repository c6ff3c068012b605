/**
 * Every job summary shows hostile text as text (issue 14 #6): no HTML reaches the page, a line break
 * cannot start a new row or block, `|` cannot split a cell, a backtick cannot close a code span or
 * fence, and invisible characters (U+202E) are shown as escapes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeHtml, htmlText, mdCode, mdFence, mdText } from '../../src/action/markdown.js';
import { renderSummary } from '../../src/bake/summary.js';
import { catalogMarkdown } from '../../src/catalog/write.js';
import type { Plan } from '../../src/matrix/index.js';
import { promotionSummary } from '../../src/registry/promotions.js';
import { signSummary } from '../../src/sign/summary.js';
import { reportMarkdown } from '../../src/smoke/report.js';

const HOSTILE = 'x\r\n<img src=x onerror=alert(1)>|`y`\u202e';

/** The document without its code blocks and code spans (where markup is shown, not applied). */
function outsideCode(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
}

/** HOSTILE as mdText shows it in plain text: one line, markup and `|` escaped, U+202E spelled out. */
const AS_TEXT = 'x &lt;img src=x onerror=alert(1)&gt;\\|\\`y\\`\\\\u202e';
/** HOSTILE as mdCode shows it in a table cell: one line in a code span, `|` escaped. */
const AS_CODE = '``x <img src=x onerror=alert(1)>\\|`y`\\u202e``';

/**
 * No markup outside code, no invisible character anywhere, no line started or ended by the hostile
 * text; and each of `shown` (the hostile value as it should appear, escaped) is in the document.
 */
function expectInert(md: string, ...shown: string[]) {
  expect(outsideCode(md)).not.toContain('<img');
  expect(md).not.toContain('\u202e');
  expect(outsideCode(md)).not.toMatch(/^<img|^x\r?$/m);
  // HOSTILE's own line break never survives outside a code block: its `x` is not followed by one.
  expect(outsideCode(md)).not.toMatch(/x\r?\n/);
  expect(outsideCode(md)).not.toContain('\r');
  for (const s of shown) expect(md).toContain(s);
}

describe('markdown helpers', () => {
  it('escape markup, flatten lines and show invisible characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(mdText(HOSTILE)).toBe('x &lt;img src=x onerror=alert(1)&gt;\\|\\`y\\`\\\\u202e');
    expect(htmlText('a\n<b>\u202e')).toBe('a &lt;b&gt;\\u202e');
    expect(htmlText('a\r\n<b>', true)).toBe('a\n&lt;b&gt;');
    expect(mdCode('a`b|c\nd')).toBe('``a`b\\|c d``');
    expect(mdCode('a|b', false)).toBe('`a|b`');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdFence('echo ```\nok', 'sh')).toBe('````sh\necho ```\nok\n````');
  });
});

describe('job summaries', () => {
  it('bake: plan warnings, the selection and the commands', () => {
    const plan: Plan = {
      created: '2026-01-01T00:00:00Z',
      stamp: '202601010000',
      environment: 'testing',
      registry: 'localhost:5000',
      targets: [],
      skipped: [],
      warnings: [HOSTILE],
    };
    const md = renderSummary({
      mode: 'build',
      plan,
      push: false,
      dryRun: true,
      selection: `Changed: \`pgvector\` (${HOSTILE} changed).`,
      commands: ['echo ```', HOSTILE],
    });
    expectInert(md);
    expect(md).toContain('> [!WARNING]\n> x &lt;img src=x onerror=alert(1)&gt;\\|');
    expect(md).toContain(`> [!WARNING]\n> ${AS_TEXT}\n`);
    // The commands fence is longer than any backtick run inside it.
    expect(md).toContain('````sh\necho ```\n');
  });

  it('sign: the reason, the identity and the files', () => {
    const md = signSummary({
      status: 'signed',
      signed: [],
      files: [{ file: HOSTILE, bundle: 'b.json' } as never],
      verifyCommands: [HOSTILE],
      verified: true,
      tlog: true,
      mode: 'keyless',
      identity: { regexp: '^(a|b)$', issuer: HOSTILE, source: 'x' },
    });
    expectInert(md, `| ${AS_CODE} | \`b.json\` |\n`);
    expect(md).toContain('identity `^(a|b)$`');
    expectInert(
      signSummary({ status: 'skipped', reason: HOSTILE } as never),
      `Nothing was signed: ${AS_TEXT}.\n`,
    );
  });

  it('catalog, promote and smoke: every cell', () => {
    expectInert(
      catalogMarkdown([
        { name: HOSTILE, entries: [{ major: 18, name: HOSTILE, reference: HOSTILE }] } as never,
      ]),
      `| ${AS_CODE} | 18 | ${AS_CODE} | ${AS_CODE} |\n`,
    );
    expectInert(
      promotionSummary([
        {
          source: HOSTILE,
          ref: HOSTILE,
          tags: [`r:${HOSTILE}`],
          kept: [HOSTILE],
          changed: true,
          copied: { blobs: 1, mounted: 0, manifests: 1, tags: 1 },
        } as never,
      ]),
      `| ${AS_TEXT} | ${AS_CODE} | ${AS_CODE} | 0 mounted, 1 uploaded blobs; 1 manifests; 1 tags |\n`,
      `Left on a newer build (a later run promoted it first): ${AS_CODE}\n`,
    );
    const smoke = reportMarkdown([
      {
        extension: HOSTILE,
        expectedSqlVersion: HOSTILE,
        platforms: [{ platform: HOSTILE, ok: false, reason: HOSTILE, checks: [], seconds: 1 }],
      } as never,
    ]);
    expectInert(smoke);
    expect(smoke.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(3);
  });

  describe('e2e (through core.summary, which does not escape)', () => {
    let dir: string;
    const saved = process.env['GITHUB_STEP_SUMMARY'];
    afterEach(async () => {
      if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
      else process.env['GITHUB_STEP_SUMMARY'] = saved;
      await rm(dir, { recursive: true, force: true });
    });

    it('escapes the inputs, the failed steps and the values file', async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ext-summary-'));
      const file = path.join(dir, 'summary.md');
      await writeFile(file, '');
      process.env['GITHUB_STEP_SUMMARY'] = file;
      const { writeSummary } = await import('../../actions/e2e/summary.js');
      await writeSummary(
        { extension: HOSTILE, image: HOSTILE, cnpg: HOSTILE, 'node-image': HOSTILE } as never,
        {
          passed: false,
          failures: [HOSTILE],
          valuesFile: '',
          valuesFiles: [],
          reports: [],
          clusters: [],
          diagnostics: HOSTILE,
          valuesYaml: 'a: "```"\n</details><img src=x>\n',
        },
      );
      const md = await readFile(file, 'utf8');
      expectInert(md);
      expect(md).toContain('<td>x &lt;img src=x onerror=alert(1)&gt;|`y`\\u202e</td>');
      expect(md).toContain('````yaml\na: "```"\n');
    });
  });
});
