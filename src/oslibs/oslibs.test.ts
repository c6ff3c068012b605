import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { dockerfilePackages, optedIn, osLibLines, osLibsFile, printUrisCommand } from './oslibs.js';

const examples = path.resolve(import.meta.dirname, '../../extensions');

describe('os-libs', () => {
  it('keeps the library .deb lines of apt-get --print-uris, in apt order, as upstream writes them', () => {
    // Lines as apt 3 prints them in Debian's postgresql-18 image (seen in the real-tools suite).
    const out = [
      "'http://deb.debian.org/debian/pool/main/liba/libassuan/libassuan9_3.0.2-2%2bb2_amd64.deb' libassuan9_3.0.2-2+b2_amd64.deb 60700 MD5Sum:39f5f6cab16d1416e1ae7051f5fbd82a",
      "'http://deb.debian.org/debian/pool/main/g/gnupg2/gpgconf_2.4.9-8_amd64.deb' gpgconf_2.4.9-8_amd64.deb 129928 MD5Sum:3f14958c5ec8a60f6753134316846da2",
      "'http://deb.debian.org/debian/pool/main/e/expat/libexpat1_2.9.0-1_amd64.deb' libexpat1_2.9.0-1_amd64.deb 133152",
      'E: something else',
    ].join('\n');
    expect(osLibLines(out)).toEqual([
      'libassuan9_3.0.2-2+b2_amd64.deb MD5Sum:39f5f6cab16d1416e1ae7051f5fbd82a',
      'libexpat1_2.9.0-1_amd64.deb',
    ]);
  });

  it("reads the packages from the extension's own Dockerfile, with the plan's build arguments", async () => {
    const postgis = await readFile(path.join(examples, 'postgis', 'Dockerfile'), 'utf8');
    expect(
      dockerfilePackages(
        postgis,
        { PG_MAJOR: '18', POSTGIS_MAJOR: '3', EXT_VERSION: '3.7.0+dfsg-1' },
        'Dockerfile',
      ),
    ).toEqual(['postgresql-18-postgis-3=3.7.0+dfsg-1', 'postgresql-18-postgis-3-scripts=3.7.0+dfsg-1']);
    const pgvector = await readFile(path.join(examples, 'pgvector', 'Dockerfile'), 'utf8');
    expect(dockerfilePackages(pgvector, { PG_MAJOR: '18', EXT_VERSION: '0.8.7-1' }, 'Dockerfile')).toEqual([
      'postgresql-18-pgvector=0.8.7-1',
    ]);
    expect(() => dockerfilePackages(postgis, { PG_MAJOR: '18', EXT_VERSION: '1' }, 'x/Dockerfile')).toThrow(
      'x/Dockerfile: apt-get install uses the build argument POSTGIS_MAJOR, which the plan does not give (it has EXT_VERSION, PG_MAJOR)',
    );
    expect(() => dockerfilePackages('FROM scratch\n', {}, 'y/Dockerfile')).toThrow(UserError);
    // Options and their values, redirections and commented-out lines are no packages.
    const tricky = [
      '# RUN apt-get install not-this \\',
      'RUN apt-get -o Acquire::Retries=3 install -y -o Dpkg::Options::=--force-confold "postgresql-${PG_MAJOR}-x=${EXT_VERSION}" libfoo >/dev/null 2>&1',
    ].join('\n');
    expect(dockerfilePackages(tricky, { PG_MAJOR: '18', EXT_VERSION: '1' }, 'z')).toEqual([
      'postgresql-18-x=1',
      'libfoo',
    ]);
  });

  it('names files as upstream for amd64, with the architecture for the others', () => {
    expect(osLibsFile('18', 'trixie', 'linux/amd64')).toBe('18-trixie-os-libs.txt');
    expect(osLibsFile('18', 'trixie', 'linux/arm64')).toBe('18-trixie-arm64-os-libs.txt');
    expect(osLibsFile('18', 'trixie', 'linux/arm/v7')).toBe('18-trixie-arm-v7-os-libs.txt');
  });

  it('works on opted-in extensions only, and says so for a named one that is not', () => {
    const ext = (name: string, on: boolean) => ({ metadata: { name, auto_update_os_libs: on } }) as never;
    expect(
      optedIn([ext('a', true), ext('b', false)], []).map(
        (e: { metadata: { name: string } }) => e.metadata.name,
      ),
    ).toEqual(['a']);
    expect(() => optedIn([ext('a', true), ext('b', false)], ['b'])).toThrow(
      '--extension: "b" does not set auto_update_os_libs = true',
    );
  });

  it('passes the packages as arguments of a fixed script, never inside it', () => {
    const c = printUrisCommand('docker', 'img', 'linux/arm64', ["x=1'; rm -rf /"]);
    expect(c.args.slice(-4)).toEqual([
      '-c',
      'apt-get update -qq >/dev/null && apt-get install -qq --print-uris --no-install-recommends "$@"',
      'os-libs',
      "x=1'; rm -rf /",
    ]);
  });
});
