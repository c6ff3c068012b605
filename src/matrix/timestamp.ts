/**
 * One build time per run, shared by every job of the run: given by the caller, else SOURCE_DATE_EPOCH,
 * else now. Written as bake's `timestamp()` writes it (RFC 3339, UTC, whole seconds) and as the
 * `YYYYMMDDhhmm` stamp of the immutable tag.
 */
import { UserError, showValue } from '../errors.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** True when the written fields name a real time (JavaScript's Date rolls 2026-02-30 over to March 2). */
function realTime(match: RegExpExecArray): boolean {
  const [y, mo, d, h, mi, s, oh = 0, om = 0] = match.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  return (
    day.getUTCFullYear() === y &&
    day.getUTCMonth() === mo! - 1 &&
    day.getUTCDate() === d &&
    h! <= 23 &&
    mi! <= 59 &&
    s! <= 59 &&
    oh <= 23 &&
    om <= 59
  );
}

function fromEpoch(text: string, source: string): Date {
  if (!/^\d+$/.test(text)) {
    throw new UserError(`${source}: expected whole seconds since 1970-01-01 UTC, got ${showValue(text)}`);
  }
  return new Date(Number(text) * 1000);
}

/**
 * `value` is RFC 3339 (`2026-03-04T05:06:07Z`, offsets allowed) or epoch seconds; `source` names where it
 * came from, for messages (e.g. "--timestamp" or "input timestamp").
 */
export function resolveTimestamp(
  value: string | undefined,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
  now: () => Date = () => new Date(),
): Date {
  let date: Date;
  if (value !== undefined && value.trim() !== '') {
    const text = value.trim();
    const match = RFC3339.exec(text);
    if (/^\d+$/.test(text)) date = fromEpoch(text, source);
    else if (match) {
      if (!realTime(match))
        throw new UserError(`${source}: not a valid date and time, got ${showValue(value)}`);
      date = new Date(text);
    } else {
      throw new UserError(
        `${source}: expected an RFC 3339 time such as 2026-03-04T05:06:07Z (or epoch seconds), got ${showValue(value)}`,
      );
    }
  } else if (env['SOURCE_DATE_EPOCH']?.trim()) {
    date = fromEpoch(env['SOURCE_DATE_EPOCH'].trim(), 'SOURCE_DATE_EPOCH');
  } else {
    date = now();
  }
  if (Number.isNaN(date.getTime()))
    throw new UserError(`${source}: not a valid date and time, got ${showValue(value)}`);
  // Whole seconds, as bake's timestamp() has no fractional part.
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** `2026-03-04T05:06:07Z` */
export function formatCreated(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `202603040506`: formatdate("YYYYMMDDhhmm") in UTC. */
export function formatStamp(date: Date): string {
  return formatCreated(date).replace(/[-:T]/g, '').slice(0, 12);
}
