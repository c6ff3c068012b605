import { describe, expect, it } from 'vitest';
import { withRetries } from './retry.js';

describe('withRetries', () => {
  it('returns the first success, passing the 1-based attempt number', async () => {
    const seen: number[] = [];
    const result = await withRetries(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { attempts: 5, delayMs: 0 },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('asks a delay function for each wait, with the attempt and the error', async () => {
    const calls: [number, string][] = [];
    const retries: [string, number, number][] = [];
    await expect(
      withRetries(
        async (attempt) => {
          throw new Error(`e${attempt}`);
        },
        {
          attempts: 3,
          delayMs: (attempt, err) => {
            calls.push([attempt, (err as Error).message]);
            return attempt;
          },
          onRetry: (err, attempt, delay) => retries.push([(err as Error).message, attempt, delay]),
        },
      ),
    ).rejects.toThrow('e3');
    expect(calls).toEqual([
      [1, 'e1'],
      [2, 'e2'],
    ]);
    expect(retries).toEqual([
      ['e1', 1, 1],
      ['e2', 2, 2],
    ]);
  });
});
