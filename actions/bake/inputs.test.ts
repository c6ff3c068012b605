import { afterEach, describe, expect, it } from 'vitest';
import { getInputs } from './inputs.js';

const set: string[] = [];
function input(name: string, value: string) {
  const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
  process.env[key] = value;
  set.push(key);
}
afterEach(() => {
  for (const k of set.splice(0)) delete process.env[k];
});

describe('bake inputs', () => {
  it('has defaults a user can rely on', () => {
    const i = getInputs();
    expect(i).toMatchObject({
      mode: 'build',
      root: '.',
      extensions: [],
      environment: 'testing',
      push: false,
      platforms: [],
      'setup-qemu': 'auto',
      cache: false,
      set: [],
      'dry-run': false,
    });
    expect(i['binfmt-image']).toMatch(/binfmt:qemu-v10/);
  });

  it('reads INPUT_* with dashes kept, lists by line or comma, set by line only', () => {
    input('extensions', 'pgvector, postgis\n# comment\npgaudit');
    input('dry-run', 'true');
    input('setup-qemu', 'false');
    input('set', '*.args.A=1,2\npgvector-*.no-cache=true');
    input('platforms', 'linux/arm64');
    input('mode', 'digest');
    const i = getInputs();
    expect(i.extensions).toEqual(['pgvector', 'postgis', 'pgaudit']);
    expect(i['dry-run']).toBe(true);
    expect(i['setup-qemu']).toBe('false');
    expect(i.set).toEqual(['*.args.A=1,2', 'pgvector-*.no-cache=true']);
    expect(i.platforms).toEqual(['linux/arm64']);
    expect(i.mode).toBe('digest');
  });

  it('names the bad input and what is expected', () => {
    input('push', 'yes');
    expect(() => getInputs()).toThrow('input "push": expected true or false, got "yes"');
    input('mode', 'fast');
    expect(() => getInputs()).toThrow(/input "mode": expected one of build, digest, merge/);
  });
});
