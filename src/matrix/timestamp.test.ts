import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { formatCreated, formatStamp, resolveTimestamp } from './timestamp.js';

const never = () => {
  throw new Error('now() must not be called');
};

describe('resolveTimestamp', () => {
  it('takes an RFC 3339 time, converts offsets to UTC and drops fractions', () => {
    expect(formatCreated(resolveTimestamp('2026-03-04T05:06:07Z', 't', {}, never))).toBe(
      '2026-03-04T05:06:07Z',
    );
    expect(formatCreated(resolveTimestamp('2026-03-04T07:06:07.987+02:00', 't', {}, never))).toBe(
      '2026-03-04T05:06:07Z',
    );
  });

  it('takes epoch seconds, from the value or from SOURCE_DATE_EPOCH', () => {
    expect(formatCreated(resolveTimestamp('1772600767', 't', {}, never))).toBe('2026-03-04T05:06:07Z');
    expect(formatCreated(resolveTimestamp(undefined, 't', { SOURCE_DATE_EPOCH: '1772600767' }, never))).toBe(
      '2026-03-04T05:06:07Z',
    );
  });

  it('prefers the given value over SOURCE_DATE_EPOCH, and falls back to now', () => {
    expect(
      formatCreated(resolveTimestamp('2020-01-01T00:00:00Z', 't', { SOURCE_DATE_EPOCH: '1772600767' })),
    ).toBe('2020-01-01T00:00:00Z');
    const now = new Date('2026-11-21T01:02:03.456Z');
    expect(formatCreated(resolveTimestamp('', 't', {}, () => now))).toBe('2026-11-21T01:02:03Z');
  });

  it.each(['yesterday', '2026-03-04', '2026-03-04T05:06Z', '12.5'])(
    'rejects %j naming the source',
    (value) => {
      expect(() => resolveTimestamp(value, '--timestamp', {}, never)).toThrow(UserError);
      expect(() => resolveTimestamp(value, '--timestamp', {}, never)).toThrow(
        /^--timestamp: expected an RFC 3339/,
      );
    },
  );

  it.each([
    '2026-02-30T00:00:00Z',
    '2026-04-31T10:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-13-01T00:00:00+02:00',
  ])('rejects the impossible time %j instead of rolling it over', (value) => {
    expect(() => resolveTimestamp(value, '--timestamp', {}, never)).toThrow(
      `--timestamp: not a valid date and time, got "${value}"`,
    );
  });

  it('accepts a leap day and an offset that crosses midnight', () => {
    expect(formatCreated(resolveTimestamp('2028-02-29T23:30:00-01:00', 't', {}, never))).toBe(
      '2028-03-01T00:30:00Z',
    );
  });

  it('rejects a bad SOURCE_DATE_EPOCH by name', () => {
    expect(() => resolveTimestamp(undefined, 't', { SOURCE_DATE_EPOCH: 'soon' }, never)).toThrow(
      /^SOURCE_DATE_EPOCH: expected whole seconds/,
    );
  });
});

describe('formatStamp', () => {
  it('is YYYYMMDDhhmm in UTC', () => {
    expect(formatStamp(new Date('2026-08-22T10:26:57Z'))).toBe('202608221026');
    expect(formatStamp(new Date('2026-12-31T23:59:59+00:00'))).toBe('202612312359');
  });
});
