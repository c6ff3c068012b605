import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import {
  DEFAULT_SHARED_GLOBS,
  affectedExtensions,
  discoverExtensions,
  gitChangedFiles,
  gitTopLevel,
  isNullRef,
  loadExtensions,
} from '../../matrix/index.js';
import { oneOf, parseFlags, type Command } from '../command.js';
import { specs } from '../specs.js';

async function repositoryTop(cwd: string): Promise<string> {
  const top = await gitTopLevel(cwd);
  if (top === undefined) throw new UserError(`--base: ${cwd} is not inside a git repository`);
  return top;
}

/**
 * `--files` paths as paths relative to the repository top (what `git diff --name-only` prints): given
 * relative to the repository, relative to --root (`pgvector/metadata.hcl` with `--root extensions`), or
 * absolute inside the repository. Paths outside it are refused, all named in one message.
 */
export function repositoryPaths(
  lines: readonly string[],
  o: { top: string; rootDir: string; extensions: ReadonlySet<string> },
): string[] {
  const root = path.relative(o.top, o.rootDir).split(path.sep).join('/');
  const rootPrefix = root === '' ? '' : `${root}/`;
  const paths: string[] = [];
  const outside: string[] = [];
  for (const line of lines) {
    const raw = line.trim();
    if (raw === '') continue;
    const relative = path.isAbsolute(raw)
      ? path.relative(o.top, raw).split(path.sep).join('/')
      : path.posix.normalize(raw.replaceAll('\\', '/'));
    if (relative === '..' || relative.startsWith('../') || path.isAbsolute(relative)) {
      outside.push(raw);
      continue;
    }
    const first = relative.split('/')[0]!;
    // Relative to --root: it names one of root's extensions and is not already under root.
    const underRoot =
      !path.isAbsolute(raw) &&
      rootPrefix !== '' &&
      !relative.startsWith(rootPrefix) &&
      o.extensions.has(first);
    paths.push(underRoot ? `${rootPrefix}${relative}` : relative);
  }
  if (outside.length) {
    throw new UserError(
      `--files: ${outside.length === 1 ? '1 path is' : `${outside.length} paths are`} outside the repository ${o.top}: ${outside.join(', ')} (give paths relative to it, to --root, or absolute inside it)`,
    );
  }
  return paths;
}

export const changed: Command = {
  ...specs.changed,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      base: { type: 'string' },
      head: { type: 'string', default: 'HEAD' },
      files: { type: 'string' },
      shared: { type: 'string', multiple: true },
      format: { type: 'string' },
    });
    const format = oneOf('--format', values.format, ['json', 'lines'] as const, 'json');
    if ((values.base === undefined) === (values.files === undefined)) {
      throw new UserError(`ext-actions changed: give either --base REF or --files -\nusage: ${this.usage}`);
    }
    const rootDir = path.resolve(io.cwd, values.root);
    const print = (names: string[]) =>
      io.stdout(format === 'json' ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(''));

    let paths: string[];
    let top = io.cwd;
    if (values.files !== undefined) {
      const files = values.files;
      const text =
        files === '-'
          ? await io.stdin()
          : await readFile(path.resolve(io.cwd, files), 'utf8').catch((err: NodeJS.ErrnoException) => {
              throw new UserError(`--files: cannot read ${files} (${err.code ?? err.message})`);
            });
      top = (await gitTopLevel(io.cwd)) ?? io.cwd;
      const names = new Set(await discoverExtensions(rootDir));
      paths = repositoryPaths(text.split(/\r?\n/), { top, rootDir, extensions: names });
    } else if (isNullRef(values.base)) {
      // A first push (all-zero `before`) or no base: everything is new.
      io.stderr('no base commit to compare with: every extension is affected\n');
      print(await discoverExtensions(rootDir));
      return 0;
    } else {
      top = await repositoryTop(io.cwd);
      paths = await gitChangedFiles(values.base!, values.head, top);
    }
    const extensions = await loadExtensions(rootDir);
    const result = affectedExtensions({
      root: path.relative(top, rootDir) || '.',
      paths,
      extensions: new Map(extensions.map((e) => [e.metadata.name, e.metadata.required_extensions])),
      shared: values.shared ?? DEFAULT_SHARED_GLOBS,
    });
    for (const name of result.extensions) io.stderr(`${name}: ${result.reasons[name]}\n`);
    for (const name of result.removed.filter((n) => n !== ''))
      io.stderr(`${name}: changed but no longer an extension (ignored)\n`);
    print(result.extensions);
    return 0;
  },
};
