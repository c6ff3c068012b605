import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../../errors.js';
import {
  DEFAULT_BINFMT_IMAGE,
  TargetBuildError,
  builderRemoveCommand,
  execCommand,
  showCommand,
  runBake,
  targetFailureMessage,
} from '../../bake/index.js';
import { ENVIRONMENTS } from '../../matrix/index.js';
import { listFlag, oneOf, parseFlags, printWarnings, type Command } from '../command.js';
import { flagOf, specs } from '../specs.js';

/** A CI runner (GitHub Actions, or any CI setting CI=true), where installing QEMU is routine. */
export const onCi = (env: NodeJS.ProcessEnv): boolean =>
  env['GITHUB_ACTIONS'] === 'true' || (!!env['CI'] && env['CI'] !== 'false' && env['CI'] !== '0');

export const bake: Command = {
  ...specs.bake,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      extension: { type: 'string', multiple: true },
      target: { type: 'string', multiple: true },
      base: { type: 'string', default: '' },
      head: { type: 'string', default: 'HEAD' },
      registry: { type: 'string', default: 'localhost:5000' },
      environment: { type: 'string' },
      push: { type: 'boolean', default: false },
      platforms: { type: 'string', multiple: true },
      timestamp: { type: 'string', default: '' },
      revision: { type: 'string', default: '' },
      'base-image': { type: 'string' },
      builder: { type: 'string', default: '' },
      'setup-qemu': { type: 'string' },
      'binfmt-image': { type: 'string', default: DEFAULT_BINFMT_IMAGE },
      cache: { type: 'boolean', default: false },
      load: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      pull: { type: 'boolean', default: false },
      provenance: { type: 'string' },
      sbom: { type: 'string' },
      authors: { type: 'string' },
      vendor: { type: 'string' },
      documentation: { type: 'string' },
      set: { type: 'string', multiple: true },
      file: { type: 'string', multiple: true },
      allow: { type: 'string', multiple: true },
      mode: { type: 'string' },
      images: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'work-dir': { type: 'string' },
      format: { type: 'string' },
    });
    const format = oneOf(
      '--format',
      values.format,
      ['summary', 'images', 'refs', 'matrix'] as const,
      'summary',
    );
    const id = randomBytes(4).toString('hex');
    const images = values.images
      ? await readFile(path.resolve(io.cwd, values.images), 'utf8').catch(() => {
          throw new UserError(`--images: cannot read ${values.images}`);
        })
      : '';
    // The log goes out as it happens, in order: stdout for the summary format, else stderr (stdout
    // carries the result). The build's own output always streams to stderr.
    const log = format === 'summary' ? io.stdout : io.stderr;
    const echo = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        io.stderr(chunk.toString());
        done();
      },
    });
    const exec = execCommand(io.env, io.cwd, echo);
    // A temporary folder unless --work-dir names one to keep; removed with the builder, whatever happens.
    const workDir = values['work-dir']
      ? path.resolve(io.cwd, values['work-dir'])
      : await mkdtemp(path.join(os.tmpdir(), `ext-actions-bake-${id}-`));
    let builderCreated: string | undefined;
    try {
      const result = await runBake(
        {
          mode: oneOf('--mode', values.mode, ['build', 'digest', 'merge'] as const, 'build'),
          cwd: io.cwd,
          root: values.root,
          extensions: listFlag(values.extension),
          targets: listFlag(values.target),
          base: values.base,
          head: values.head,
          registry: values.registry,
          environment: oneOf('--environment', values.environment, ENVIRONMENTS, 'testing'),
          push: values.push,
          platforms: listFlag(values.platforms),
          timestamp: values.timestamp,
          revision: values.revision,
          baseImage: values['base-image'],
          builder: values.builder,
          builderName: `ext-actions-${id}`,
          setupQemu: oneOf('--setup-qemu', values['setup-qemu'], ['auto', 'true', 'false'] as const, 'auto'),
          // On a CI runner auto installs QEMU when needed; on anyone's own machine only when asked.
          qemuNeedsConsent: values['setup-qemu'] === undefined && !onCi(io.env),
          binfmtImage: values['binfmt-image'],
          cache: values.cache,
          load: values.load,
          noCache: values['no-cache'],
          pull: values.pull,
          provenance: values.provenance,
          sbom: values.sbom,
          authors: values.authors,
          vendor: values.vendor,
          documentation: values.documentation,
          set: values.set ?? [],
          files: values.file ?? [],
          allow: listFlag(values.allow),
          label: (input) => flagOf(specs.bake, input),
          dryRun: values['dry-run'],
          images,
          workDir,
          hostArch: process.arch,
          env: io.env,
        },
        {
          exec,
          info: (m) => log(`${m}\n`),
          warning: (m) => printWarnings(io, [m]),
          group: (_name, fn) => fn(),
          builderCreated: (name) => {
            builderCreated = name;
          },
        },
      );
      if (values['dry-run'] && !values['work-dir'])
        log('(the plan is removed on exit: --work-dir DIR keeps it)\n');
      if (format === 'images') io.stdout(`${JSON.stringify(result.images ?? [], null, 2)}\n`);
      else if (format === 'refs') io.stdout(result.refs ? `${result.refs}\n` : '');
      else if (format === 'matrix') io.stdout(`${JSON.stringify(result.matrix, null, 2)}\n`);
      return 0;
    } catch (err) {
      if (err instanceof TargetBuildError) {
        for (const f of err.failures) io.stderr(`error: ${targetFailureMessage(f)}\n`);
        return 1;
      }
      throw err;
    } finally {
      if (builderCreated !== undefined) {
        const cmd = builderRemoveCommand(builderCreated);
        log(`[command]${showCommand(cmd)}\n`);
        const run = await exec(cmd).catch((e: unknown) => ({
          exitCode: -1,
          stdout: '',
          stderr: (e as Error).message,
        }));
        if (run.exitCode !== 0)
          printWarnings(io, [`could not remove builder ${builderCreated}: ${run.stderr.trim()}`]);
      }
      if (!values['work-dir']) await rm(workDir, { recursive: true, force: true });
    }
  },
};
