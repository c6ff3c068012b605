import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { registryCredentials } from './inputs.js';

describe('registryCredentials', () => {
  it('takes both or neither of username and password', () => {
    expect(registryCredentials({ username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p' });
    expect(registryCredentials({ username: '', password: '' })).toBeUndefined();
    for (const half of [
      { username: 'u', password: '' },
      { username: '', password: 'p' },
    ])
      expect(() => registryCredentials(half)).toThrow(
        new UserError(
          'inputs "username" and "password": give both or neither (without them, ~/.docker/config.json is used)',
        ),
      );
  });
});
