// Shared by the fakes: pflag-style parsing (`--f v`, `--f=v`, `-x v`, booleans) against the flags the
// real command declares, so a flag the real tool does not know fails as it would (cobra: "unknown flag").
// spec: { values: ['--name', '-n', ...], bools: ['--retain', ...], alias: { '-n': '--name' } }.
module.exports = function parseFlags(argv, spec, fail) {
  const values = new Set(spec.values ?? []);
  const bools = new Set(spec.bools ?? []);
  const alias = spec.alias ?? {};
  const flags = {};
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || !a.startsWith('-') || a === '-') {
      if (a === '--') {
        args.push(...argv.slice(i + 1));
        break;
      }
      args.push(a);
      if (spec.interspersed === false) {
        args.push(...argv.slice(i + 1));
        break;
      }
      continue;
    }
    // combined boolean shorthands (`-fv`), as pflag reads them
    if (/^-[A-Za-z]{2,}$/.test(a) && [...a.slice(1)].every((c) => bools.has(alias[`-${c}`] ?? `-${c}`))) {
      for (const c of a.slice(1)) flags[alias[`-${c}`] ?? `-${c}`] = ['true'];
      continue;
    }
    const eq = a.indexOf('=');
    const raw = eq > 0 ? a.slice(0, eq) : a;
    const name = alias[raw] ?? raw;
    if (values.has(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) fail(`flag needs an argument: ${raw}`);
      (flags[name] ??= []).push(v);
    } else if (bools.has(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : 'true';
      if (v !== 'true' && v !== 'false') fail(`invalid argument "${v}" for "${raw}" flag: parse error`);
      flags[name] = [v];
    } else {
      fail(`unknown ${raw.startsWith('--') ? 'flag' : 'shorthand flag'}: ${raw}`);
    }
  }
  return { flags, args, get: (f) => flags[f]?.at(-1) };
};

/** A Go duration as pflag's DurationVar parses it (`2m`, `30s`, `1m30s`). */
module.exports.isDuration = (v) => /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v) || v === '0';
