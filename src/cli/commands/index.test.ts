import { describe, expect, it } from 'vitest';
import { commands } from './index.js';

describe('the command registry', () => {
  it.each(commands.map((c) => [c.name, c] as const))(
    '%s: its name and summary are those of the command it loads',
    async (_, entry) => {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({
        name: entry.name,
        summary: entry.summary,
      });
    },
  );

  it('names each command once', () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
