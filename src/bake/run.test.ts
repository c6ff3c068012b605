import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AMD_ONLY, PGAUDIT, PGVECTOR, writeRepo } from '../../test/bake/support/fixtures.js';
import type { Command } from './argv.js';
import { runBake, TargetBuildError, type BakeDeps, type BakeSettings, type ExecResult } from './run.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function settings(dir: string, over: Partial<BakeSettings> = {}): BakeSettings {
  return {
    mode: 'build',
    cwd: dir,
    root: 'exts',
    extensions: ['all'],
    base: '',
    head: 'HEAD',
    registry: 'localhost:5000',
    environment: 'testing',
    push: true,
    timestamp: '2026-03-04T05:06:07Z',
    revision: 'abc',
    builder: '',
    builderName: 'bk',
    setupQemu: 'auto',
    binfmtImage: 'binfmt:qemu-v10',
    cache: false,
    set: [],
    dryRun: false,
    images: '',
    workDir: path.join(dir, 'work'),
    hostArch: 'x64',
    env: {},
    ...over,
  };
}

/** Records argv; answers `bake` by writing a metadata file shaped like buildx's. */
function deps(answer: (c: Command) => ExecResult | undefined = () => undefined) {
  const calls: Command[] = [];
  const created: string[] = [];
  const d: BakeDeps = {
    async exec(c) {
      calls.push(c);
      const a = answer(c);
      if (a) return a;
      if (c.args[1] === 'bake') {
        const plan = JSON.parse(readFileSync(c.args[c.args.indexOf('-f') + 1]!, 'utf8')) as {
          target: Record<string, { tags: string[] }>;
        };
        const meta: Record<string, unknown> = {};
        for (const [name, t] of Object.entries(plan.target)) {
          const digest = `sha256:${name.length.toString(16).padStart(64, '0')}`;
          meta[name] = {
            'buildx.build.ref': 'bk/bk0/x',
            'containerimage.descriptor': {
              mediaType: 'application/vnd.oci.image.index.v1+json',
              digest,
              size: 1,
            },
            'containerimage.digest': digest,
            'image.name': t.tags.join(','),
          };
        }
        writeFileSync(c.args[c.args.indexOf('--metadata-file') + 1]!, JSON.stringify(meta));
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    info: () => {},
    warning: () => {},
    group: (_n, fn) => fn(),
    builderCreated: (n) => created.push(n),
  };
  return { d, calls, created };
}

describe('runBake', () => {
  it('runs buildx check, QEMU (arm64 on x64), builder, then bake, and returns images for every target', async () => {
    const dir = writeRepo([PGVECTOR, PGAUDIT]);
    dirs.push(dir);
    const { d, calls, created } = deps();
    const r = await runBake(settings(dir), d);
    expect(calls.map((c) => c.args.slice(0, 2).join(' '))).toEqual([
      'buildx version',
      'run --rm',
      'buildx create',
      'buildx inspect',
      'buildx bake',
    ]);
    expect(created).toEqual(['bk']);
    expect(r.images!.map((i) => i.target)).toEqual(r.plan.targets.map((t) => t.name));
    expect(r.refs.split('\n')).toHaveLength(3);
    const plan = JSON.parse(readFileSync(r.planFile, 'utf8')) as {
      target: Record<string, { context: string }>;
    };
    expect(plan.target['pgvector-0_8_1-18-trixie']!.context).toBe('exts/pgvector/');
    expect(r.matrix[0]).toMatchObject({ target: r.images![0]!.target, ref: r.images![0]!.ref });
  });

  it('targets: builds the planned targets the names or globs match, and refuses a pattern matching none', async () => {
    const dir = writeRepo([PGVECTOR, PGAUDIT]);
    dirs.push(dir);
    const { d } = deps();
    const r = await runBake(settings(dir, { targets: ['pgvector-*-trixie', 'pgaudit-18_0-18-trixie'] }), d);
    expect(Object.keys(r.definition.target).sort()).toEqual([
      'pgaudit-18_0-18-trixie',
      'pgvector-0_8_1-18-trixie',
    ]);
    expect(r.images?.map((i) => i.target).sort()).toEqual([
      'pgaudit-18_0-18-trixie',
      'pgvector-0_8_1-18-trixie',
    ]);
    const none = deps();
    await expect(runBake(settings(dir, { targets: ['pgvector-*-bullseye'] }), none.d)).rejects.toThrow(
      /^input "targets": "pgvector-\*-bullseye" matches no planned target; the plan has pgaudit-18_0-18-trixie, pgvector-0_8_1-18-bookworm, pgvector-0_8_1-18-trixie$/,
    );
    expect(none.calls).toEqual([]);
  });

  it('uses a given builder as is and skips QEMU on a native runner', async () => {
    const dir = writeRepo([AMD_ONLY]);
    dirs.push(dir);
    const { d, calls, created } = deps();
    await runBake(settings(dir, { builder: 'mine' }), d);
    expect(calls.map((c) => c.args[1])).toEqual(['version', 'bake']);
    expect(calls[1]!.args).toContain('mine');
    expect(created).toEqual([]);
  });

  it('validates every input before running anything', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const cases: [Partial<BakeSettings>, RegExp][] = [
      [{ set: ['no-equals'] }, /input "set"/],
      [{ extensions: ['changed', 'pgvector'] }, /input "extensions"/],
      [{ extensions: ['nope'] }, /extension "nope" not found/],
      [{ registry: 'bad registry' }, /^input "registry": expected a registry host/],
      [{ root: 'nope' }, /^input "root": root folder \S+nope: not found/],
      [{ baseImage: 'x {distro}' }, /^input "base-image": expected an image reference/],
      [{ baseImage: 'x:{pg}' }, /^input "base-image": expected an image reference with the placeholders/],
      [{ timestamp: 'yesterday' }, /input "timestamp"/],
      [{ platforms: ['linux/arm64', 'bogus'] }, /input "platforms": expected os\/arch.* got "bogus"/],
      [{ platforms: ['linux/arm64 '] }, /input "platforms"/],
      [{ builder: 'my builder' }, /input "builder": .* got "my builder"/],
      [{ images: '[]' }, /input "images": only used with mode: merge/],
      [{ mode: 'merge', images: 'x' }, /input "images"/],
      [{ mode: 'merge', images: '[]', push: false }, /input "push": needed with input "mode" merge/],
      [
        { allow: ['network.host', 'network=host'] },
        /^input "allow": expected a buildx entitlement .* got "network=host"/,
      ],
      [{ files: ['missing.hcl'] }, /^input "files": "missing.hcl" is not a readable file/],
      [
        { mode: 'merge', images: '[]', allow: ['network.host'] },
        /^input "allow": mode: merge builds nothing/,
      ],
      [{ files: ['exts'] }, /^input "files": "exts" is not a readable file/],
      [{ set: ['no-equals'], label: (i: string) => `--${i}` }, /^--set: expected/],
    ];
    for (const [over, message] of cases) {
      const { d, calls } = deps();
      await expect(runBake(settings(dir, over), d)).rejects.toThrow(message);
      expect(calls).toEqual([]);
    }
  });

  it("passes the user's bake files after the plan and each entitlement as --allow", async () => {
    const dir = writeRepo([AMD_ONLY]);
    dirs.push(dir);
    writeFileSync(path.join(dir, 'net.json'), '{"target":{}}');
    const { d, calls } = deps();
    await runBake(
      settings(dir, { builder: 'mine', files: ['net.json'], allow: ['network.host', 'fs.read=/x'] }),
      d,
    );
    const args = calls.find((c) => c.args[1] === 'bake')!.args;
    const f = args.indexOf('-f');
    expect(args.slice(f, f + 4)).toEqual([
      '-f',
      path.join(dir, 'work', 'plan.json'),
      '-f',
      path.join(dir, 'net.json'),
    ]);
    expect(args.filter((_, i) => args[i - 1] === '--allow')).toEqual(['network.host', 'fs.read=/x']);
  });

  it('dry-run writes the plan and returns the commands without running any', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const { d, calls } = deps();
    const r = await runBake(settings(dir, { dryRun: true }), d);
    expect(calls).toEqual([]);
    expect(existsSync(r.planFile)).toBe(true);
    expect(r.images).toBeUndefined();
    expect(r.commands.at(-1)).toMatch(
      /^BUILDX_METADATA_PROVENANCE=disabled .*docker buildx bake --builder bk -f \S+plan.json/,
    );
  });

  it('dry-run refuses an extension without its Dockerfile before planning (issue 15)', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    rmSync(path.join(dir, 'exts', 'pgvector', 'Dockerfile'));
    const { d, calls } = deps();
    await expect(runBake(settings(dir, { dryRun: true }), d)).rejects.toThrow(
      `${path.join(dir, 'exts', 'pgvector', 'Dockerfile')}: not found; expected the Dockerfile that builds pgvector`,
    );
    expect(calls).toEqual([]);
  });

  it('names the failing target and the end of its log', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const { d } = deps((c) =>
      c.args[1] === 'bake'
        ? {
            exitCode: 1,
            stdout: '',
            stderr:
              '#7 [pgvector-0_8_1-18-trixie linux/arm64 builder 2/2] RUN make\n#7 1.0 cc: error\n#7 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2\nERROR: target pgvector-0_8_1-18-trixie: failed to solve: exit code: 2\n',
          }
        : undefined,
    );
    const err = await runBake(settings(dir), d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetBuildError);
    expect((err as TargetBuildError).target).toBe('pgvector-0_8_1-18-trixie');
    expect((err as TargetBuildError).message).toContain('cc: error');
    expect((err as TargetBuildError).failures.map((f) => f.target)).toEqual(['pgvector-0_8_1-18-trixie']);
  });

  it('reports every target whose step failed, in plan order, though bake names only one', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const { d } = deps((c) =>
      c.args[1] === 'bake'
        ? {
            exitCode: 1,
            stdout: '',
            stderr: [
              '#7 [pgvector-0_8_1-18-trixie linux/amd64 builder 2/2] RUN make',
              '#7 1.0 cc: error',
              '#8 [pgvector-0_8_1-18-bookworm linux/amd64 builder 2/2] RUN make',
              '#8 1.1 ld: cannot find -lpq',
              '#7 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
              '#8 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 1',
              'ERROR: target pgvector-0_8_1-18-trixie: failed to solve: exit code: 2',
            ].join('\n'),
          }
        : undefined,
    );
    const err = (await runBake(settings(dir), d).catch((e: unknown) => e)) as TargetBuildError;
    expect(err).toBeInstanceOf(TargetBuildError);
    expect(err.failures.map((f) => f.target)).toEqual([
      'pgvector-0_8_1-18-bookworm',
      'pgvector-0_8_1-18-trixie',
    ]);
    expect(err.failures[0]!.log.join('\n')).toContain('ld: cannot find -lpq');
    expect(err.failures[1]!.log.join('\n')).toContain('cc: error');
  });

  it('explains a missing docker or buildx', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const missing = deps(() => {
      throw new Error('Unable to locate executable file: docker');
    });
    await expect(runBake(settings(dir), missing.d)).rejects.toThrow(
      /Docker is missing.*install Docker Engine/,
    );
    const noBuildx = deps(() => ({
      exitCode: 1,
      stdout: '',
      stderr: "docker: unknown command: docker buildx\n\nRun 'docker --help' for more information",
    }));
    await expect(runBake(settings(dir), noBuildx.d)).rejects.toThrow(
      /Docker Buildx is missing .*setup-buildx-action/,
    );
  });

  it('digest mode with a given builder on the docker driver is refused before bake runs', async () => {
    const dir = writeRepo([AMD_ONLY]);
    dirs.push(dir);
    const inspect = (driver: string) => (c: Command) =>
      c.args[1] === 'inspect'
        ? {
            exitCode: 0,
            stdout: `Name:          default\nDriver:        ${driver}\nLast Activity: x\n`,
            stderr: '',
          }
        : undefined;
    const docker = deps(inspect('docker'));
    await expect(runBake(settings(dir, { mode: 'digest', builder: 'default' }), docker.d)).rejects.toThrow(
      /^input "builder": default uses the docker driver, which cannot push by digest \(mode: digest\)/,
    );
    expect(docker.calls.map((c) => c.args.slice(0, 2).join(' '))).toEqual([
      'buildx version',
      'buildx inspect',
    ]);
    const container = deps(inspect('docker-container'));
    await runBake(settings(dir, { mode: 'digest', builder: 'mine' }), container.d);
    expect(container.calls.map((c) => c.args[1])).toEqual(['version', 'inspect', 'bake']);
  });

  it('digest mode pushes by digest without tags', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const { d } = deps();
    const r = await runBake(
      settings(dir, { mode: 'digest', platforms: ['linux/arm64'], hostArch: 'arm64' }),
      d,
    );
    const t = r.definition.target['pgvector-0_8_1-18-trixie']!;
    expect(t.tags).toEqual([]);
    expect(t.platforms).toEqual(['linux/arm64']);
    expect(t.output).toEqual([
      'type=image,oci-mediatypes=true,oci-artifact=true,name=localhost:5000/pgvector-testing,push-by-digest=true,name-canonical=true',
    ]);
    expect(r.images!.every((i) => i.tags.length === 0 && i.platforms.join() === 'linux/arm64')).toBe(true);
  });

  it('digest mode gives each platform its own GHA cache scope (parallel jobs must not overwrite each other)', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const r = await runBake(
      settings(dir, { mode: 'digest', platforms: ['linux/arm64'], cache: true, dryRun: true }),
      deps().d,
    );
    const t = r.definition.target['pgvector-0_8_1-18-trixie']!;
    expect(t['cache-from']).toEqual(['type=gha,scope=pgvector-0_8_1-18-trixie-linux-arm64']);
    expect(t['cache-to']).toEqual(['type=gha,scope=pgvector-0_8_1-18-trixie-linux-arm64,mode=max']);
    const build = await runBake(settings(dir, { cache: true, dryRun: true }), deps().d);
    expect(build.definition.target['pgvector-0_8_1-18-trixie']!['cache-to']).toEqual([
      'type=gha,scope=pgvector-0_8_1-18-trixie,mode=max',
    ]);
  });

  it('merge joins the per-platform digests and reads the index digest from the descriptor, as buildx writes it', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const dry = await runBake(settings(dir, { dryRun: true }), deps().d);
    const D = (c: string) => `sha256:${c.repeat(64)}`;
    const perPlatform = (arch: string, digit: string) =>
      JSON.stringify(
        dry.plan.targets.map((t) => ({
          target: t.name,
          extension: t.extension,
          distro: t.distro,
          pgMajor: t.pgMajor,
          repository: t.repository,
          tags: [],
          digest: D(digit),
          ref: `${t.repository}@${D(digit)}`,
          platforms: [`linux/${arch}`],
          mediaType: 'application/vnd.oci.image.index.v1+json',
          pushed: true,
          created: dry.plan.created,
        })),
      );
    const index = D('c');
    const { d, calls } = deps((c) => {
      if (c.args[1] !== 'imagetools') return undefined;
      // commands/imagetools/create.go: only the descriptor and the tags' repositories.
      const file = c.args[c.args.indexOf('--metadata-file') + 1]!;
      const repos = c.args.flatMap((a, i) => (c.args[i - 1] === '--tag' ? [a.replace(/:[^/:]*$/, '')] : []));
      writeFileSync(
        file,
        JSON.stringify({
          'containerimage.descriptor': {
            mediaType: 'application/vnd.oci.image.index.v1+json',
            digest: index,
            size: 1234,
          },
          'image.name': [...new Set(repos)].sort().join(','),
        }),
      );
      return { exitCode: 0, stdout: '', stderr: '' };
    });
    const r = await runBake(
      settings(dir, {
        mode: 'merge',
        timestamp: '',
        images: `${perPlatform('amd64', 'a')}\n${perPlatform('arm64', 'b')}`,
      }),
      d,
    );
    expect(calls.map((c) => c.args.slice(0, 3).join(' '))).toEqual([
      'buildx version',
      'buildx imagetools create',
      'buildx imagetools create',
    ]);
    expect(calls[1]!.args.slice(-2)).toEqual([
      `localhost:5000/pgvector-testing@${D('a')}`,
      `localhost:5000/pgvector-testing@${D('b')}`,
    ]);
    expect(r.images!.map((i) => i.ref)).toEqual([
      `localhost:5000/pgvector-testing@${index}`,
      `localhost:5000/pgvector-testing@${index}`,
    ]);
    expect(r.images![0]).toMatchObject({
      digest: index,
      tags: dry.plan.targets[0]!.tags,
      platforms: ['linux/amd64', 'linux/arm64'],
      mediaType: 'application/vnd.oci.image.index.v1+json',
      pushed: true,
      created: dry.plan.created,
    });
    expect(Object.keys(JSON.parse(r.metadata!) as object)).toEqual(dry.plan.targets.map((t) => t.name));
  });

  it('merge with a buildx whose imagetools create has no --metadata-file reads the new index back and hashes its bytes', async () => {
    const dir = writeRepo([AMD_ONLY]);
    dirs.push(dir);
    const dry = await runBake(settings(dir, { dryRun: true }), deps().d);
    const t = dry.plan.targets[0]!;
    const image = {
      ...t,
      target: t.name,
      tags: [],
      digest: `sha256:${'a'.repeat(64)}`,
      ref: `${t.repository}@sha256:${'a'.repeat(64)}`,
      pushed: true,
      created: dry.plan.created,
    };
    const annotations = Object.fromEntries(
      t.annotations.map((a) => {
        const [key, ...value] = a.replace(/^[^:]*:/, '').split('=');
        return [key!, value.join('=')];
      }),
    );
    const served = (extra: Record<string, string> = {}) =>
      `${JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [], annotations: { ...annotations, ...extra } }, null, 3)}`;
    let body = served();
    const { d, calls } = deps((c) =>
      c.args[1] === 'version'
        ? { exitCode: 0, stdout: 'github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4\n', stderr: '' }
        : c.args[2] === 'inspect'
          ? { exitCode: 0, stdout: body, stderr: '' }
          : undefined,
    );
    const r = await runBake(settings(dir, { mode: 'merge', images: JSON.stringify([image]) }), d);
    expect(calls.map((c) => c.args.slice(0, 3).join(' '))).toEqual([
      'buildx version',
      'buildx imagetools create',
      'buildx imagetools inspect',
    ]);
    expect(calls[1]!.args).not.toContain('--metadata-file');
    expect(calls[2]!.args.slice(-2)).toEqual(['--raw', t.tags[0]]);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    expect(r.images![0]).toMatchObject({ digest, ref: `${t.repository}@${digest}`, tags: t.tags });

    // The tag serves an index without this job's annotations (another run moved it): refused.
    body = served({ 'io.cloudnativepg.image.sql.version': '9.9.9' });
    await expect(
      runBake(
        settings(dir, { mode: 'merge', images: JSON.stringify([image]) }),
        deps((c) =>
          c.args[1] === 'version'
            ? { exitCode: 0, stdout: 'github.com/docker/buildx v0.31.1 1234567\n', stderr: '' }
            : c.args[2] === 'inspect'
              ? { exitCode: 0, stdout: body, stderr: '' }
              : undefined,
        ).d,
      ),
    ).rejects.toThrow(
      /does not carry the annotation io\.cloudnativepg\.image\.sql\.version=.* another run moved the tag/,
    );
  });

  it('extensions: changed builds only what changed since base, and nothing when nothing did', async () => {
    const dir = writeRepo([PGVECTOR, PGAUDIT]);
    dirs.push(dir);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'root');
    git('add', '.');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'one');
    const base = git('rev-parse', 'HEAD');
    writeFileSync(path.join(dir, 'exts/pgaudit/Dockerfile'), 'FROM scratch\n');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-am', 'two');
    const one = deps();
    const r = await runBake(settings(dir, { extensions: ['changed'], base, head: 'HEAD' }), one.d);
    expect(r.plan.targets.map((t) => t.extension)).toEqual(['pgaudit']);
    expect(r.selection).toContain('pgaudit');
    const none = deps();
    const empty = await runBake(
      settings(dir, { extensions: ['changed'], base: 'HEAD', head: 'HEAD' }),
      none.d,
    );
    expect(empty.plan.targets).toEqual([]);
    expect(none.calls).toEqual([]);
    const first = deps();
    const all = await runBake(
      settings(dir, { extensions: ['changed'], base: '0'.repeat(40), dryRun: true }),
      first.d,
    );
    expect(new Set(all.plan.targets.map((t) => t.extension))).toEqual(new Set(['pgaudit', 'pgvector']));
  });

  it('verify-layout reads each pushed image back and fails, naming target and reason, on an error finding', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const { d } = deps();
    const seen: string[] = [];
    const warnings: string[] = [];
    d.warning = (m) => warnings.push(m);
    d.verify = async (ref, ext) => {
      seen.push(`${ext.metadata.name} ${ref}`);
      return ref.includes('@sha256:')
        ? {
            ok: !seen.length || seen.length > 1,
            findings:
              seen.length === 1
                ? [
                    {
                      level: 'error',
                      platform: 'linux/arm64',
                      file: 'lib/vector.so',
                      reason: 'ELF machine is x86-64',
                    },
                  ]
                : [{ level: 'warning', reason: 'no licenses/' }],
          }
        : { ok: false, findings: [] };
    };
    await expect(runBake(settings(dir, { verifyLayout: true }), d)).rejects.toThrow(
      /verify-layout: 1 problem[\s\S]*pgvector-0_8_1-18-bookworm \(linux\/arm64 lib\/vector.so\): ELF machine is x86-64/,
    );
    expect(seen).toEqual([
      expect.stringMatching(/^pgvector localhost:5000\/pgvector-testing@sha256:/),
      expect.stringMatching(/^pgvector localhost:5000\/pgvector-testing@sha256:/),
    ]);
    expect(warnings).toContain('verify-layout: pgvector-0_8_1-18-trixie: no licenses/');
  });

  it('verify-layout passes clean images and is skipped when nothing was pushed', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const clean = deps();
    let calls = 0;
    clean.d.verify = async () => {
      calls++;
      return { ok: true, findings: [] };
    };
    expect((await runBake(settings(dir, { verifyLayout: true }), clean.d)).images).toHaveLength(2);
    expect(calls).toBe(2);
    await runBake(settings(dir, { verifyLayout: true, push: false }), clean.d);
    expect(calls).toBe(2);
  });
});
