import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BINFMT_IMAGE,
  bakeCommand,
  binfmtInstallCommand,
  builderCreateCommand,
  imagetoolsCreateCommand,
  showCommand,
} from './argv.js';

describe('argv', () => {
  it('bakes the plan file with a metadata file, plain progress, push and overrides, without provenance in metadata', () => {
    const c = bakeCommand({
      builder: 'b1',
      planFile: '/t/plan.json',
      metadataFile: '/t/meta.json',
      push: true,
      set: ['*.args.FOO=a b', 'pgvector-*.no-cache=true'],
    });
    expect(c.file).toBe('docker');
    expect(c.args).toEqual([
      'buildx',
      'bake',
      '--builder',
      'b1',
      '-f',
      '/t/plan.json',
      '--metadata-file',
      '/t/meta.json',
      '--progress',
      'plain',
      '--push',
      '--set',
      '*.args.FOO=a b',
      '--set',
      'pgvector-*.no-cache=true',
    ]);
    expect(c.env).toEqual({ BUILDX_METADATA_PROVENANCE: 'disabled', BUILDX_METADATA_WARNINGS: 'true' });
  });

  it('leaves --push out when not pushing', () => {
    const c = bakeCommand({ builder: 'b', planFile: 'p', metadataFile: 'm', push: false });
    expect(c.args).not.toContain('--push');
  });

  it('installs only the foreign architectures with the pinned QEMU 10 binfmt image', () => {
    expect(DEFAULT_BINFMT_IMAGE).toMatch(/binfmt:qemu-v1\d\./);
    expect(binfmtInstallCommand(DEFAULT_BINFMT_IMAGE, ['arm64', 'riscv64']).args).toEqual([
      'run',
      '--rm',
      '--privileged',
      DEFAULT_BINFMT_IMAGE,
      '--install',
      'arm64,riscv64',
    ]);
  });

  it('creates a docker-container builder without making it the default', () => {
    const c = builderCreateCommand('x');
    expect(c.args).toEqual(['buildx', 'create', '--name', 'x', '--driver', 'docker-container']);
    expect(c.args).not.toContain('--use');
  });

  it('passes driver options to the builder (network=host reaches a loopback registry)', () => {
    const c = builderCreateCommand('x', ['network=host']);
    expect(c.args).toEqual([
      ...['buildx', 'create', '--name', 'x', '--driver', 'docker-container'],
      ...['--driver-opt', 'network=host'],
    ]);
  });

  it('merges sources with tags and index annotations', () => {
    const c = imagetoolsCreateCommand({
      tags: ['r/a:1', 'r/a:2'],
      annotations: ['index:k=v w'],
      sources: ['r/a@sha256:1', 'r/a@sha256:2'],
      metadataFile: '/m.json',
    });
    expect(c.args).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--tag',
      'r/a:1',
      '--tag',
      'r/a:2',
      '--annotation',
      'index:k=v w',
      '--metadata-file',
      '/m.json',
      'r/a@sha256:1',
      'r/a@sha256:2',
    ]);
  });

  it('shows commands as a shell would need them quoted', () => {
    expect(showCommand({ file: 'docker', args: ['--set', "*.args.X=it's", 'plain'], env: { A: 'b' } })).toBe(
      `A=b docker --set '*.args.X=it'\\''s' plain`,
    );
  });
});
