/**
 * Checksum files published beside release assets, and SHA-256 of local files.
 *
 * Two shapes are understood:
 * - multi-line `<hex>  <file>` lists (`sha256sum` output; goreleaser's `checksums.txt`, cosign's
 *   `cosign_checksums.txt`), where a `*` before the name (binary mode) and a leading `./` are ignored;
 * - single-hash files (`kubectl.sha256` holds only the hex; kind's `kind-linux-amd64.sha256sum` holds
 *   one `<hex>  <file>` line).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const HEX64 = /^[0-9a-fA-F]{64}$/;

export function isSha256(value: string): boolean {
  return HEX64.test(value);
}

export interface ChecksumLine {
  sha256: string;
  /** The file name, or undefined for a bare hash. */
  file: string | undefined;
}

/** Parses every line of a checksum file; returns the lines that are not valid `<hex> [name]` entries separately. */
export function parseChecksumLines(text: string): { entries: ChecksumLine[]; invalid: string[] } {
  const entries: ChecksumLine[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/.exec(line);
    if (!match) {
      invalid.push(line);
      continue;
    }
    const name = match[2]?.trim().replace(/^\.\//, '');
    entries.push({ sha256: match[1]!.toLowerCase(), file: name || undefined });
  }
  return { entries, invalid };
}

/**
 * The SHA-256 a checksum file gives for `fileName`. A file holding exactly one entry (bare or named) is a
 * single-hash file: its hash is used when it is bare or its name matches. Throws (a plain Error whose
 * message the caller wraps with the tool's context) when the file has no entry for `fileName`, or
 * several different ones.
 */
export function checksumFor(text: string, fileName: string | undefined): string {
  const { entries, invalid } = parseChecksumLines(text);
  if (entries.length === 0) {
    throw new Error(
      invalid.length
        ? `it holds no "<sha256>  <file>" line (first line: ${JSON.stringify(invalid[0]!.slice(0, 80))})`
        : 'it is empty',
    );
  }
  if (entries.length === 1 && (entries[0]!.file === undefined || fileName === undefined)) {
    return entries[0]!.sha256;
  }
  if (fileName === undefined) {
    throw new Error(`it lists ${entries.length} files; name the one to use`);
  }
  const base = (p: string) => p.split('/').pop()!;
  const hashes = new Set(
    entries
      .filter((e) => e.file !== undefined && (e.file === fileName || base(e.file) === fileName))
      .map((e) => e.sha256),
  );
  if (hashes.size === 0) throw new Error(`it has no line for ${JSON.stringify(fileName)}`);
  if (hashes.size > 1)
    throw new Error(`it gives ${hashes.size} different hashes for ${JSON.stringify(fileName)}`);
  return [...hashes][0]!;
}

/** SHA-256 (lower-case hex) and size of a file, streamed. */
export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
