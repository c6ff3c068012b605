/**
 * Typed action inputs: each action declares one zod object whose keys are the kebab-case input names;
 * raw strings come from `INPUT_*` (as @actions/core reads them). A bad input gives one message naming
 * the input, the value and what is expected, before anything runs.
 */
import * as core from '@actions/core';
import { z } from 'zod';
import { UserError, showValue } from '../errors.js';

/** `true`/`false` (YAML 1.2 core schema spellings, as core.getBooleanInput accepts). */
export const booleanInput = (fallback: boolean) =>
  z.string().transform((v, ctx) => {
    const t = v.trim();
    if (t === '') return fallback;
    if (['true', 'True', 'TRUE'].includes(t)) return true;
    if (['false', 'False', 'FALSE'].includes(t)) return false;
    ctx.addIssue({ code: 'custom', message: 'expected true or false' });
    return z.NEVER;
  });

/** A list written one item per line (commas also separate, unless `commas` is false); blank lines and `#` comments dropped. */
export const listInput = (commas = true) =>
  z.string().transform((v) =>
    v
      .split(commas ? /[\n,]/ : /\n/)
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('#')),
  );

export const enumInput = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z.string().transform((v, ctx) => {
    const t = v.trim();
    if (t === '') return fallback;
    if ((values as readonly string[]).includes(t)) return t as T;
    ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}` });
    return z.NEVER;
  });

export const stringInput = (fallback = '') =>
  z.string().transform((v) => (v.trim() === '' ? fallback : v.trim()));

/** Reads and validates every input named by the schema's keys. */
export function readInputs<S extends z.ZodRawShape>(
  shape: S,
  getInput: (name: string) => string = (name) => core.getInput(name),
): z.output<z.ZodObject<S>> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(shape)) raw[name] = getInput(name);
  const result = z.object(shape).safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    return `input "${name}": ${issue.message}, got ${showValue(raw[name])}`;
  });
  if (problems.length === 1) throw new UserError(problems[0]!);
  throw new UserError(`${problems.length} inputs are invalid`, problems);
}

/**
 * The `username`/`password` inputs of an action reading a registry: both or neither (without them the
 * Docker config's `auths` are used). The password is masked first; returns the credentials, if given.
 */
export function registryCredentials(inputs: {
  username: string;
  password: string;
}): { username: string; password: string } | undefined {
  if (inputs.password) core.setSecret(inputs.password);
  if (Boolean(inputs.username) !== Boolean(inputs.password))
    throw new UserError(
      'inputs "username" and "password": give both or neither (without them, ~/.docker/config.json is used)',
    );
  return inputs.username ? { username: inputs.username, password: inputs.password } : undefined;
}
