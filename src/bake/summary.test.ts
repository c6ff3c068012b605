import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGVECTOR, writeRepo } from '../../test/bake/support/fixtures.js';
import { buildPlan, loadExtensions, type Plan } from '../matrix/index.js';
import { renderSummary } from './summary.js';

let dir: string;
let plan: Plan;
beforeAll(async () => {
  dir = writeRepo([PGVECTOR]);
  plan = buildPlan(await loadExtensions(path.join(dir, 'exts')), {
    registry: 'localhost:5000',
    environment: 'testing',
    timestamp: new Date('2026-03-04T05:06:07Z'),
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digest = `sha256:${'a'.repeat(64)}`;

describe('renderSummary', () => {
  it('has a table of targets, platforms, tags and digests, and the plan folded below', () => {
    const images = plan.targets.map((t) => ({ target: t.name, digest }) as never);
    const md = renderSummary({ mode: 'build', plan, images, push: true, dryRun: false });
    expect(md).toContain('| Target | Platforms | Tags | Digest |');
    expect(md).toContain(
      `| \`pgvector-0_8_1-18-trixie\` | linux/amd64, linux/arm64 | \`localhost:5000/pgvector-testing:0.8.1-18-trixie\`<br>\`localhost:5000/pgvector-testing:0.8.1-202603040506-18-trixie\` | \`${digest}\` |`,
    );
    expect(md).toMatch(/<details><summary>Plan<\/summary>[\s\S]*TARGET\s+PLATFORMS/);
    expect(md.indexOf('| Target')).toBeLessThan(md.indexOf('<summary>Plan'));
    expect(md).toContain('Built and pushed every target.');
  });

  it('says clearly when nothing was pushed', () => {
    const md = renderSummary({ mode: 'build', plan, images: [], push: false, dryRun: false });
    expect(md).toContain('**Nothing was pushed**');
  });

  it('lists the commands of a dry run', () => {
    const md = renderSummary({
      mode: 'build',
      plan,
      push: true,
      dryRun: true,
      commands: ['docker buildx bake -f p.json'],
    });
    expect(md).toContain('**Dry run**');
    expect(md).toContain('```sh\ndocker buildx bake -f p.json\n```');
  });
});
