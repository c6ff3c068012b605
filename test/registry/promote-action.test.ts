// The promote action as GitHub runs it: `node dist/promote/index.js` with INPUT_* variables, against a real registry.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { extensionFiles, pushImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const bundle = path.resolve(import.meta.dirname, '../../dist/promote/index.js');
let registry: TestRegistry;
let client: RegistryClient;
let work: string;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient(registry.host);
  work = await mkdtemp(path.join(os.tmpdir(), 'ext-promote-action-'));
});
afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function runAction(inputs: Record<string, string>) {
  const files = { output: path.join(work, 'output'), summary: path.join(work, 'summary') };
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: work,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: work,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, [bundle], { env, cwd: work });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => resolve({ code, stdout }));
  });
  const raw = await readFile(files.output, 'utf8');
  const outputs: Record<string, string> = {};
  for (const m of raw.matchAll(/^(\S+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { ...r, outputs, summary: await readFile(files.summary, 'utf8') };
}

describe('promote action', () => {
  it("promotes the bake action's images output to the repositories without -testing", async () => {
    const images = [];
    for (const name of ['pgvector', 'postgis']) {
      const repository = `${registry.host}/cnpg/${name}-testing`;
      const pushed = await pushImage(client, `cnpg/${name}-testing`, '1.0-18-trixie', {
        platforms: [{ platform: 'linux/amd64', layers: [extensionFiles({ sqlName: name })] }],
      });
      images.push({
        target: name,
        repository,
        digest: pushed.digest,
        ref: `${repository}@${pushed.digest}`,
        tags: [`${repository}:1.0-18-trixie`],
      });
    }
    const r = await runAction({ images: JSON.stringify(images), tags: 'latest-18-trixie' });
    expect(r.code, r.stdout).toBe(0);
    const out = JSON.parse(r.outputs['images']!) as {
      repository: string;
      digest: string;
      ref: string;
      tags: string[];
    }[];
    expect(out.map((o) => [o.repository, o.digest, o.tags])).toEqual(
      images.map((i) => [
        i.repository.replace(/-testing$/, ''),
        i.digest,
        [
          `${i.repository.replace(/-testing$/, '')}:1.0-18-trixie`,
          `${i.repository.replace(/-testing$/, '')}:latest-18-trixie`,
        ],
      ]),
    );
    expect(r.outputs['refs']).toBe(out.map((o) => o.ref).join('\n'));
    for (const i of images) {
      const repo = i.repository.replace(`${registry.host}/`, '').replace(/-testing$/, '');
      expect((await client.headManifest(repo, 'latest-18-trixie'))?.digest).toBe(i.digest);
    }
    expect(r.summary).toContain('## Promoted images');
  });

  it('rejects bad input with one message and writes no output', async () => {
    const r = await runAction({
      images: JSON.stringify([{ repository: `${registry.host}/cnpg/x`, digest: 'sha256:00', tags: [] }]),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `::error::input "images"[0].repository: ${registry.host}/cnpg/x does not end with "-testing" (input "suffix")`,
    );
    expect(r.outputs).toEqual({});
    const both = await runAction({ images: '[]', source: 'a/b:c' });
    expect(both.stdout).toContain('::error::inputs "images" and "source": give one of them, not both');
  });
});
