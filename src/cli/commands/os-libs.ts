import path from 'node:path';
import { buildPlan, loadExtensions, resolveTimestamp } from '../../matrix/index.js';
import { optedIn, osLibsJobs, runOsLibs, writeOsLibs } from '../../oslibs/index.js';
import { runCommand } from '../../process/exec.js';
import { listFlag, parseFlags, printWarnings, type Command } from '../command.js';
import { flagOf, specs } from '../specs.js';

export const osLibsCommand: Command = {
  ...specs['os-libs'],
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      extension: { type: 'string', multiple: true },
      check: { type: 'boolean', default: false },
      'base-image': { type: 'string' },
      platforms: { type: 'string', multiple: true },
    });
    const root = path.resolve(io.cwd, values.root);
    const named = listFlag(values.extension);
    const extensions = optedIn(await loadExtensions(root, named), named);
    for (const e of extensions) printWarnings(io, e.warnings);
    if (extensions.length === 0) {
      io.stderr(`no extension under ${root} sets auto_update_os_libs = true: nothing to do\n`);
      return 0;
    }
    const plan = buildPlan(extensions, {
      label: (option) => flagOf(specs['os-libs'], option),
      registry: 'localhost:5000',
      environment: 'testing',
      timestamp: resolveTimestamp(undefined, '--timestamp', io.env),
      baseImage: values['base-image'],
      platforms: listFlag(values.platforms).length ? listFlag(values.platforms) : undefined,
    });
    printWarnings(io, plan.warnings);
    const jobs = await osLibsJobs(extensions, plan.targets);
    const results = await runOsLibs(jobs, {
      exec: (file, argv) => runCommand(file, argv, { env: io.env }),
      log: (m) => io.stderr(`${m}\n`),
    });
    const changed = results.filter((r) => r.changed);
    for (const r of results) {
      const rel = path.relative(io.cwd, r.job.file);
      io.stdout(
        `${r.changed ? (r.current === undefined ? 'new      ' : 'changed  ') : 'unchanged'} ${rel} (${r.lines.length} packages)\n`,
      );
    }
    if (values.check) {
      if (changed.length)
        io.stderr(
          `error: ${changed.length} file(s) would change: ${changed.map((r) => path.relative(io.cwd, r.job.file)).join(', ')}\n`,
        );
      return changed.length ? 1 : 0;
    }
    await writeOsLibs(results);
    return 0;
  },
};
