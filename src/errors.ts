/**
 * An error caused by the user's input (a file, an input, a flag). Entry points print its message as is,
 * without a stack trace, and exit non-zero; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  /**
   * The cause is a service that could not be reached (a registry, a daemon), not the input: the CLI
   * exits 3 instead of 2.
   */
  unreachable = false;
  constructor(
    message: string,
    /** Extra lines (one per problem) when several things are wrong at once. */
    readonly details: readonly string[] = [],
  ) {
    super(details.length ? `${message}\n${details.map((d) => `  - ${d}`).join('\n')}` : message);
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/** Shows a value in an error message: strings quoted, objects as compact JSON, long values cut. */
export function showValue(value: unknown): string {
  let text: string;
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') text = JSON.stringify(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  // JSON leaves invisible format characters (U+202E turns the rest of the line around) and U+2028/9 as is.
  text = text.replace(
    /[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\u007f-\u009f]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
