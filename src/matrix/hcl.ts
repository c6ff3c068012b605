/**
 * A parser for HCL's native syntax that returns what @cdktf/hcl2json (HashiCorp's parser compiled to
 * WASM) returns for the same text, without its 140 MiB WASM runtime:
 * - a body is an object: attributes by name; blocks as `type -> label -> ... -> [body, ...]`;
 * - numbers, booleans, null, strings, lists and objects are their JSON values; strings keep the
 *   template escapes `$${` and `%%{` as written (backslash escapes are decoded);
 *   a unary `-`/`!` on a number/boolean literal is evaluated;
 * - any other expression (a reference, a call, an operation, a conditional, a `for`) is kept as
 *   `"${<source>}"`, and interpolations inside strings as written.
 * The syntax is checked as HashiCorp's parser checks it; the first error is thrown as HclSyntaxError
 * with its line and column (cascading errors after it are not reported). hcl.test.ts checks
 * the two parsers agree on every fixture and on generated inputs.
 */

export class HclSyntaxError extends Error {
  override readonly name = 'HclSyntaxError';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly summary: string,
    readonly detail: string,
  ) {
    super(`${line}:${column}: ${summary}; ${detail}`);
  }
}

/** Deepest nesting of blocks, brackets, braces and parentheses accepted. */
export const MAX_HCL_DEPTH = 64;

type Node =
  | { kind: 'literal'; value: unknown; start: number; end: number }
  | { kind: 'template'; parts: Part[]; start: number; end: number; heredoc: boolean }
  | { kind: 'tuple'; items: Node[]; start: number; end: number }
  | { kind: 'object'; items: { key: Node; bareKey: boolean; value: Node }[]; start: number; end: number }
  | { kind: 'unary'; op: string; operand: Node; start: number; end: number }
  | { kind: 'traversal'; start: number; end: number }
  | { kind: 'cond'; cond: Node; yes: Node; no: Node; start: number; end: number }
  | { kind: 'other'; start: number; end: number };

type Part =
  { kind: 'text'; value: string } | { kind: 'interp'; expr: Node } | { kind: 'directive'; text: string };

const IDENT_START = /[\p{L}\p{Nl}_]/u;
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;
const isAsciiIdentStart = (code: number) =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
const IDENT_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_-]/u;

class Parser {
  private pos = 0;
  private depth = 0;
  /** Stack: whether newlines end the current construct (true in bodies and objects). */
  private newlineSignificant: boolean[] = [true];

  constructor(
    private readonly src: string,
    private readonly file = '',
  ) {}

  // ---- positions and errors -------------------------------------------------------------------

  private lineCol(pos: number): [number, number] {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < pos && i < this.src.length; i++) {
      if (this.src[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return [line, [...this.src.slice(lineStart, pos)].length + 1];
  }

  fail(pos: number, summary: string, detail: string): never {
    const [line, col] = this.lineCol(pos);
    throw new HclSyntaxError(line, col, summary, detail);
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_HCL_DEPTH) {
      this.fail(
        pos,
        'Nesting too deep',
        `Blocks, lists, objects and parentheses may be nested at most ${MAX_HCL_DEPTH} levels deep.`,
      );
    }
  }

  private leave(): void {
    this.depth--;
  }

  // ---- whitespace and comments ----------------------------------------------------------------

  /** Skips spaces and comments; newlines too unless they are significant here (or `nl` forces). */
  private skip(newlines = !this.newlineSignificant[this.newlineSignificant.length - 1]): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\n' && newlines) this.pos++;
      else if (c === '#' || (c === '/' && s[this.pos + 1] === '/')) {
        // A line comment includes its newline, which therefore still ends an attribute.
        const nl = s.indexOf('\n', this.pos);
        if (nl < 0) this.pos = s.length;
        else if (newlines) this.pos = nl + 1;
        else {
          this.pos = nl;
          return;
        }
      } else if (c === '/' && s[this.pos + 1] === '*') {
        const end = s.indexOf('*/', this.pos + 2);
        if (end < 0)
          this.fail(this.pos, 'Unterminated comment', 'There is no closing marker for this comment.');
        this.pos = end + 2;
      } else return;
    }
  }

  private withNewlines<T>(significant: boolean, fn: () => T): T {
    this.newlineSignificant.push(significant);
    try {
      return fn();
    } finally {
      this.newlineSignificant.pop();
    }
  }

  private atNewlineOrEnd(): boolean {
    const c = this.src[this.pos];
    return c === undefined || c === '\n';
  }

  private ident(): string | undefined {
    const s = this.src;
    const start = this.pos;
    const first = s.codePointAt(start);
    if (first === undefined) return undefined;
    if (!isAsciiIdentStart(first)) {
      if (first < 0x80 || !IDENT_START.test(String.fromCodePoint(first))) return undefined;
    }
    this.pos += first > 0xffff ? 2 : 1;
    for (;;) {
      const cp = s.codePointAt(this.pos);
      if (cp === undefined) break;
      if (!isAsciiIdentStart(cp) && !(cp >= 0x30 && cp <= 0x39) && cp !== 0x2d) {
        if (cp < 0x80 || !IDENT_PART.test(String.fromCodePoint(cp))) break;
      }
      this.pos += cp > 0xffff ? 2 : 1;
    }
    return s.slice(start, this.pos);
  }

  // ---- bodies -------------------------------------------------------------------------------

  parseFile(): Record<string, unknown> {
    return this.parseBody();
  }

  /** A file's body, or a block's (`open` is the position of its `{`). */
  private parseBody(open?: number): Record<string, unknown> {
    const inBlock = open !== undefined;
    const out: Record<string, unknown> = {};
    const defined = new Map<string, number>();
    const labelDepth = new Map<string, number>();
    const done = () => {
      for (const [type, depth] of labelDepth) out[type] = sortLabels(out[type], depth);
      return sortKeys(out);
    };
    for (;;) {
      this.skip(true);
      const c = this.src[this.pos];
      if (c === undefined) {
        if (inBlock)
          this.fail(
            open,
            'Unclosed configuration block',
            'There is no closing brace for this block before the end of the file.',
          );
        return done();
      }
      if (c === '}') {
        if (inBlock) return done();
        this.fail(
          this.pos,
          'Argument or block definition required',
          'An argument or block definition is required here.',
        );
      }
      const start = this.pos;
      if (c === '"') {
        this.fail(start, 'Invalid argument name', 'Argument names must not be quoted.');
      }
      const name = this.ident();
      if (name === undefined) {
        this.fail(
          start,
          'Argument or block definition required',
          'An argument or block definition is required here.',
        );
      }
      const nameEnd = this.pos;
      this.skip(false);
      if (this.src[this.pos] === '=' && this.src[this.pos + 1] !== '=') {
        this.pos++;
        const prev = defined.get(name);
        if (prev !== undefined) {
          const [l, c1] = this.lineCol(prev);
          this.fail(
            start,
            'Attribute redefined',
            `The argument "${name}" was already set at ${this.file ? `${this.file}:` : 'line '}${l}:${c1}. Each argument may be set only once.`,
          );
        }
        defined.set(name, start);
        const value = this.withNewlines(true, () => {
          this.skip(false);
          return this.expression();
        });
        out[name] = this.convert(value);
        this.skip(false);
        if (!this.atNewlineOrEnd()) {
          this.fail(
            this.pos,
            'Missing newline after argument',
            'An argument definition must end with a newline.',
          );
        }
        continue;
      }
      // A block: labels (quoted strings or identifiers), then `{`.
      const labels: string[] = [];
      for (;;) {
        const p = this.pos;
        const ch = this.src[p];
        if (ch === '{') break;
        if (ch === '"') {
          const t = this.quotedTemplate();
          if (t.parts.some((part) => part.kind !== 'text')) {
            this.fail(p, 'Invalid block label', 'Block labels may not contain template sequences.');
          }
          labels.push(t.parts.map((part) => (part.kind === 'text' ? part.value : '')).join(''));
        } else {
          const label = this.ident();
          if (label === undefined) {
            if (ch === '=') {
              this.fail(
                p,
                'Invalid block definition',
                'The equals sign "=" indicates an argument definition, and must not be used when defining a block.',
              );
            }
            this.fail(
              p,
              nameEnd === p || labels.length === 0
                ? 'Argument or block definition required'
                : 'Invalid block definition',
              'Either a quoted string block label or an opening brace ("{") is expected here.',
            );
          }
          labels.push(label);
        }
        if (labels.length > MAX_HCL_DEPTH) {
          this.fail(p, 'Too many block labels', `A block may have at most ${MAX_HCL_DEPTH} labels.`);
        }
        this.skip(false);
      }
      const brace = this.pos;
      this.pos++;
      this.enter(brace);
      // `name { a = 1 }` on one line holds at most one argument.
      this.skip(false);
      let body: Record<string, unknown>;
      if (this.src[this.pos] !== '\n' && this.src[this.pos] !== '}' && this.src[this.pos] !== undefined) {
        body = this.singleLineBody();
      } else {
        body = this.parseBody(brace);
      }
      this.pos++; // `}`
      this.leave();
      this.skip(false);
      if (!this.atNewlineOrEnd()) {
        this.fail(
          this.pos,
          'Missing newline after block definition',
          'A block definition must end with a newline.',
        );
      }
      if (labels.length) labelDepth.set(name, labels.length);
      let into: Record<string, unknown> = out;
      let key = name;
      for (const label of labels) {
        const next = (into[key] ??= {}) as Record<string, unknown>;
        into = next;
        key = label;
      }
      ((into[key] ??= []) as unknown[]).push(body);
    }
  }

  private singleLineBody(): Record<string, unknown> {
    const start = this.pos;
    const name = this.ident();
    if (name === undefined) {
      this.fail(
        start,
        'Argument or block definition required',
        'An argument or block definition is required here.',
      );
    }
    this.skip(false);
    if (this.src[this.pos] !== '=') {
      this.fail(
        start,
        'Argument definition required',
        `A single-line block definition can contain only a single argument. If you meant to define argument "${name}", use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.`,
      );
    }
    this.pos++;
    const value = this.withNewlines(true, () => {
      this.skip(false);
      return this.expression();
    });
    this.skip(false);
    if (this.src[this.pos] !== '}') {
      this.fail(
        this.pos,
        'Invalid single-argument block definition',
        'A single-line block definition must end with a closing brace immediately after its single argument definition.',
      );
    }
    return { [name]: this.convert(value) };
  }

  // ---- expressions ----------------------------------------------------------------------------

  private expression(): Node {
    const start = this.pos;
    const cond = this.binary(1);
    const save = this.pos;
    this.skip();
    if (this.src[this.pos] === '?') {
      this.enter(this.pos);
      this.pos++;
      this.skip();
      const yes = this.expression();
      this.skip();
      if (this.src[this.pos] !== ':') {
        this.fail(
          this.pos,
          'Missing false expression in conditional',
          'The conditional operator (...?...:...) requires a false expression, delimited by a colon.',
        );
      }
      this.pos++;
      this.skip();
      const no = this.expression();
      this.leave();
      return { kind: 'cond', cond, yes, no, start, end: no.end };
    }
    this.pos = save;
    return cond;
  }

  /** The binary operator at the cursor and its precedence (higher binds tighter), if any. */
  private operator(): [length: number, precedence: number] | undefined {
    const s = this.src;
    const c = s[this.pos];
    const next = s[this.pos + 1];
    switch (c) {
      case '|':
        return next === '|' ? [2, 1] : undefined;
      case '&':
        return next === '&' ? [2, 2] : undefined;
      case '=':
      case '!':
        return next === '=' ? [2, 3] : undefined;
      case '<':
      case '>':
        // `<<` starts a heredoc, not a comparison.
        return next === '=' ? [2, 4] : c === '<' && next === '<' ? undefined : [1, 4];
      case '+':
      case '-':
        return [1, 5];
      case '*':
      case '/':
      case '%':
        return [1, 6];
      default:
        return undefined;
    }
  }

  /** Binary operations by precedence climbing (all operators are left-associative). */
  private binary(minPrecedence: number): Node {
    const start = this.pos;
    let left = this.unary();
    for (;;) {
      const save = this.pos;
      this.skip();
      const op = this.operator();
      if (!op || op[1] < minPrecedence) {
        this.pos = save;
        return left;
      }
      this.pos += op[0];
      this.skip();
      const right = this.binary(op[1] + 1);
      left = { kind: 'other', start, end: right.end };
    }
  }

  private unary(): Node {
    const start = this.pos;
    const c = this.src[this.pos];
    if (c === '-' || c === '!') {
      this.pos++;
      this.enter(start);
      this.skip();
      const operand = this.unary();
      this.leave();
      return { kind: 'unary', op: c, operand, start, end: operand.end };
    }
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.term();
    const start = node.start;
    for (;;) {
      const save = this.pos;
      this.skip();
      const c = this.src[this.pos];
      if (this.src.startsWith('...', this.pos)) {
        this.pos = save;
        return node;
      } else if (c === '.' && !/[0-9]/.test(this.src[this.pos + 1] ?? '')) {
        this.pos++;
        if (this.src[this.pos] === '*') this.pos++;
        else if (this.ident() === undefined) {
          this.fail(this.pos, 'Invalid attribute name', 'An attribute name is required after a dot.');
        }
      } else if (c === '.') {
        this.pos++;
        while (/[0-9]/.test(this.src[this.pos] ?? '')) this.pos++;
      } else if (c === '[') {
        const open = this.pos;
        this.pos++;
        this.enter(open);
        this.withNewlines(false, () => {
          this.skip();
          if (this.src[this.pos] === '*') this.pos++;
          else this.expression();
          this.skip();
        });
        if (this.src[this.pos] !== ']') {
          this.fail(
            this.pos,
            'Missing close bracket on index',
            'The index operator must end with a closing bracket ("]").',
          );
        }
        this.pos++;
        this.leave();
      } else {
        this.pos = save;
        return node;
      }
      node = { kind: node.kind === 'traversal' ? 'traversal' : 'other', start, end: this.pos };
    }
  }

  private term(): Node {
    const start = this.pos;
    const c = this.src[this.pos];
    if (c === undefined || c === '\n') {
      this.fail(
        this.pos,
        'Missing expression',
        c === undefined
          ? 'Expected the start of an expression, but found the end of the file.'
          : 'Expected the start of an expression, but found the end of the line.',
      );
    }
    if (c >= '0' && c <= '9') return this.number();
    if (c === '"') return this.quotedTemplate();
    if (c === '<' && this.src.startsWith('<<', this.pos)) return this.heredoc();
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    if (c === '(') {
      this.pos++;
      this.enter(start);
      this.withNewlines(false, () => {
        this.skip();
        this.expression();
        this.skip();
      });
      if (this.src[this.pos] !== ')') {
        this.fail(
          this.pos,
          'Unbalanced parentheses',
          'Expected a closing parenthesis to terminate the expression.',
        );
      }
      this.pos++;
      this.leave();
      return { kind: 'other', start, end: this.pos };
    }
    const name = this.ident();
    if (name === undefined) {
      this.fail(
        start,
        'Invalid expression',
        'Expected the start of an expression, but found an invalid expression token.',
      );
    }
    if (name === 'true' || name === 'false')
      return { kind: 'literal', value: name === 'true', start, end: this.pos };
    if (name === 'null') return { kind: 'literal', value: null, start, end: this.pos };
    // A function call: `name(` or `provider::ns::name(`.
    const save = this.pos;
    while (this.src.startsWith('::', this.pos)) {
      this.pos += 2;
      if (this.ident() === undefined)
        this.fail(this.pos, 'Missing function name', 'A function name is required after "::".');
    }
    if (this.src[this.pos] === '(') {
      this.pos++;
      this.enter(start);
      this.withNewlines(false, () => {
        this.skip();
        while (this.src[this.pos] !== ')') {
          this.expression();
          this.skip();
          if (this.src.startsWith('...', this.pos)) {
            this.pos += 3;
            this.skip();
          }
          if (this.src[this.pos] === ',') {
            this.pos++;
            this.skip();
          } else if (this.src[this.pos] !== ')') {
            this.fail(
              this.pos,
              'Missing argument separator',
              'A comma is required to separate each function argument from the next.',
            );
          }
        }
      });
      this.pos++;
      this.leave();
      return { kind: 'other', start, end: this.pos };
    }
    this.pos = save;
    return { kind: 'traversal', start, end: this.pos };
  }

  private number(): Node {
    const start = this.pos;
    const s = this.src;
    while (isDigit(s.charCodeAt(this.pos))) this.pos++;
    if (s[this.pos] === '.' && isDigit(s.charCodeAt(this.pos + 1))) {
      this.pos++;
      while (isDigit(s.charCodeAt(this.pos))) this.pos++;
    }
    if (
      (s[this.pos] === 'e' || s[this.pos] === 'E') &&
      /^[eE][+-]?[0-9]/.test(s.slice(this.pos, this.pos + 3))
    ) {
      this.pos++;
      if (s[this.pos] === '+' || s[this.pos] === '-') this.pos++;
      while (isDigit(s.charCodeAt(this.pos))) this.pos++;
    }
    return { kind: 'literal', value: Number(s.slice(start, this.pos)), start, end: this.pos };
  }

  private tuple(): Node {
    const start = this.pos;
    this.pos++;
    this.enter(start);
    const items: Node[] = [];
    let isFor = false;
    this.withNewlines(false, () => {
      this.skip();
      if (this.forKeyword()) {
        isFor = true;
        this.forExpression(']');
        return;
      }
      while (this.src[this.pos] !== ']') {
        if (this.src[this.pos] === undefined) {
          this.fail(
            start,
            'Unterminated tuple constructor expression',
            'There is no corresponding closing bracket before the end of the file.',
          );
        }
        items.push(this.expression());
        this.skip();
        if (this.src[this.pos] === ',') {
          this.pos++;
          this.skip();
        } else if (this.src[this.pos] !== ']') {
          this.fail(
            this.pos,
            'Missing item separator',
            'Expected a comma to mark the beginning of the next item.',
          );
        }
      }
    });
    this.pos++;
    this.leave();
    return isFor ? { kind: 'other', start, end: this.pos } : { kind: 'tuple', items, start, end: this.pos };
  }

  private forKeyword(): boolean {
    return /^for[\s]/.test(this.src.slice(this.pos, this.pos + 4));
  }

  /** `for k, v in coll : expr [if cond]` up to `close` (already past the opening bracket). */
  private forExpression(close: string): void {
    this.pos += 3;
    this.skip();
    if (this.ident() === undefined)
      this.fail(this.pos, 'Invalid for expression', "For expression requires variable name after 'for'.");
    this.skip();
    if (this.src[this.pos] === ',') {
      this.pos++;
      this.skip();
      if (this.ident() === undefined)
        this.fail(
          this.pos,
          'Invalid for expression',
          'For expression requires value variable name after comma.',
        );
      this.skip();
    }
    if (!this.src.startsWith('in', this.pos))
      this.fail(
        this.pos,
        'Invalid for expression',
        "For expression requires the 'in' keyword after its name declarations.",
      );
    this.pos += 2;
    this.skip();
    this.expression();
    this.skip();
    if (this.src[this.pos] !== ':')
      this.fail(
        this.pos,
        'Invalid for expression',
        'For expression requires a colon after the collection expression.',
      );
    this.pos++;
    this.skip();
    this.expression();
    this.skip();
    if (close === '}' && this.src.startsWith('=>', this.pos)) {
      this.pos += 2;
      this.skip();
      this.expression();
      this.skip();
      if (this.src.startsWith('...', this.pos)) {
        this.pos += 3;
        this.skip();
      }
    }
    if (this.src.startsWith('if', this.pos) && !IDENT_PART.test(this.src[this.pos + 2] ?? '')) {
      this.pos += 2;
      this.skip();
      this.expression();
      this.skip();
    }
    if (this.src[this.pos] !== close) {
      this.fail(
        this.pos,
        'Invalid for expression',
        `Extra characters after the end of the 'for' expression.`,
      );
    }
  }

  private object(): Node {
    const start = this.pos;
    this.pos++;
    this.enter(start);
    const items: { key: Node; bareKey: boolean; value: Node }[] = [];
    let isFor = false;
    this.withNewlines(true, () => {
      this.skip(true);
      if (this.forKeyword()) {
        isFor = true;
        this.withNewlines(false, () => this.forExpression('}'));
        return;
      }
      while (this.src[this.pos] !== '}') {
        if (this.src[this.pos] === undefined) {
          this.fail(
            start,
            'Unterminated object constructor expression',
            'There is no corresponding closing brace before the end of the file.',
          );
        }
        const keyStart = this.pos;
        const key = this.withNewlines(false, () => this.keyExpression());
        const bareKey = key.kind === 'traversal' && key.start === keyStart;
        this.skip(false);
        const sep = this.src[this.pos];
        if (sep !== '=' && sep !== ':') {
          this.fail(
            this.pos,
            'Missing key/value separator',
            'Expected an equals sign ("=") to mark the beginning of the attribute value.',
          );
        }
        this.pos++;
        this.skip(false);
        const value = this.expression();
        items.push({ key, bareKey, value });
        this.skip(false);
        const c = this.src[this.pos];
        if (c === ',' || c === '\n') {
          this.pos++;
          this.skip(true);
        } else if (c !== '}') {
          this.fail(
            this.pos,
            'Missing attribute separator',
            'Expected a newline or comma to mark the beginning of the next attribute.',
          );
        }
      }
    });
    this.pos++;
    this.leave();
    return isFor ? { kind: 'other', start, end: this.pos } : { kind: 'object', items, start, end: this.pos };
  }

  /** An object key: a bare name (taken as a string) or an expression. */
  private keyExpression(): Node {
    const start = this.pos;
    const name = this.ident();
    if (name !== undefined) {
      // A bare key that is followed by more expression syntax is an expression after all.
      this.skip(false);
      const c = this.src[this.pos];
      if (c === '=' || c === ':') return { kind: 'traversal', start, end: start + name.length };
      this.pos = start;
    }
    return this.expression();
  }

  // ---- strings --------------------------------------------------------------------------------

  private quotedTemplate(): Node & { kind: 'template' } {
    const start = this.pos;
    this.pos++;
    const parts = this.templateParts('"');
    return { kind: 'template', parts, start, end: this.pos, heredoc: false };
  }

  private heredoc(): Node {
    const start = this.pos;
    const m = /^<<(-?)([\p{L}_][\p{L}\p{N}_-]*)\r?\n/u.exec(this.src.slice(this.pos, this.pos + 200));
    if (!m) {
      this.fail(
        start,
        'Invalid expression',
        'Expected the start of an expression, but found an invalid expression token.',
      );
    }
    const flush = m[1] === '-';
    const marker = m[2]!;
    this.pos += m[0].length;
    // Find the closing marker: a line holding only (indentation and) the marker.
    const lines: string[] = [];
    const bodyStart = this.pos;
    let end = -1;
    let p = this.pos;
    while (p < this.src.length) {
      const nl = this.src.indexOf('\n', p);
      const lineEnd = nl < 0 ? this.src.length : nl + 1;
      const line = this.src.slice(p, lineEnd);
      if (
        line.replace(/\r?\n$/, '').trim() === marker &&
        /^[ \t]*$/.test(line.slice(0, line.indexOf(marker)))
      ) {
        end = p;
        this.pos = p + line.indexOf(marker) + marker.length;
        break;
      }
      lines.push(line);
      p = lineEnd;
    }
    if (end < 0) {
      this.fail(
        this.src.length,
        'Unterminated template string',
        'No closing marker was found for the string.',
      );
    }
    // Template sequences are parsed in the body; `<<-` strips the common indentation of its lines.
    const sub = new Parser(this.src.slice(0, end));
    sub.pos = bodyStart;
    sub.depth = this.depth;
    let parts = sub.templateParts(undefined);
    if (flush) parts = stripIndent(parts);
    return { kind: 'template', parts, start, end: this.pos, heredoc: true };
  }

  /** Parses template text up to `close` (a quote) or the end of the source (heredoc bodies). */
  private templateParts(close: string | undefined): Part[] {
    const s = this.src;
    const parts: Part[] = [];
    let text = '';
    const heredoc = close === undefined;
    for (;;) {
      const c = s[this.pos];
      if (c === undefined) {
        if (heredoc) break;
        this.fail(this.pos, 'Unterminated template string', 'No closing marker was found for the string.');
      }
      if (c === close) {
        this.pos++;
        break;
      }
      if (!heredoc && c === '\n') {
        this.fail(
          this.pos,
          'Invalid multi-line string',
          'Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the "heredoc" multi-line template syntax.',
        );
      }
      if (!heredoc && c === '\\') {
        text += this.escape();
        continue;
      }
      if ((c === '$' || c === '%') && s[this.pos + 1] === c && s[this.pos + 2] === '{') {
        text += `${c}${c}{`;
        this.pos += 3;
        continue;
      }
      if ((c === '$' || c === '%') && s[this.pos + 1] === '{') {
        if (text) parts.push({ kind: 'text', value: text.normalize('NFC') });
        text = '';
        const seqStart = this.pos;
        this.pos += 2;
        this.enter(seqStart);
        if (s[this.pos] === '~') this.pos++;
        let part: Part;
        this.withNewlines(false, () => {
          this.skip();
          if (c === '$') {
            part = { kind: 'interp', expr: this.expression() };
          } else {
            const kw = /^(if|else|endif|for|endfor)\b/.exec(s.slice(this.pos, this.pos + 6));
            if (!kw) {
              this.fail(
                this.pos,
                'Invalid template directive',
                'A template directive keyword ("if", "for", etc) is expected at the beginning of a %{ sequence.',
              );
            }
            this.pos += kw[1]!.length;
            this.skip();
            let rest = '';
            if (kw[1] === 'if') rest = ` ${this.source(this.expression())}`;
            else if (kw[1] === 'for') {
              const from = this.pos;
              const inAt = s.indexOf(' in ', from);
              if (inAt < 0)
                this.fail(
                  this.pos,
                  'Invalid template directive',
                  'The "for" directive requires the "in" keyword.',
                );
              this.pos = inAt + 4;
              this.skip();
              const coll = this.expression();
              rest = ` ${s.slice(from, inAt).trim()} in ${this.source(coll)}`;
            }
            part = { kind: 'directive', text: `%{${kw[1]}${rest}}` };
          }
          this.skip();
        });
        if (s[this.pos] === '~') this.pos++;
        if (s[this.pos] !== '}') {
          this.fail(
            this.pos,
            'Extra characters after interpolation expression',
            'Expected a closing brace to end the interpolation expression, but found extra characters.',
          );
        }
        this.pos++;
        this.leave();
        parts.push(part!);
        continue;
      }
      // Plain text up to the next character that means something here.
      let end = this.pos + 1;
      for (let code = s.charCodeAt(end); end < s.length; code = s.charCodeAt(++end)) {
        if (code === 0x22 || code === 0x5c || code === 0x24 || code === 0x25 || code === 0x0a) break;
      }
      text += s.slice(this.pos, end);
      this.pos = end;
    }
    // HCL normalises literal text to NFC (a Kelvin sign becomes "K"), escapes included.
    if (text || parts.length === 0) parts.push({ kind: 'text', value: text.normalize('NFC') });
    return parts;
  }

  private escape(): string {
    const s = this.src;
    const at = this.pos;
    const c = s[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case 'u':
      case 'U': {
        const len = c === 'u' ? 4 : 8;
        const hex = s.slice(this.pos, this.pos + len);
        if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) {
          this.fail(
            at,
            'Invalid escape sequence',
            `The \\${c} escape sequence must be followed by ${len} hexadecimal digits.`,
          );
        }
        this.pos += len;
        const cp = parseInt(hex, 16);
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
          this.fail(
            at,
            'Invalid escape sequence',
            `Cannot encode character U+${hex.replace(/^0+(?=.{4})/, '').toLowerCase()} in UTF-8.`,
          );
        }
        return String.fromCodePoint(cp);
      }
      default:
        this.fail(
          at,
          'Invalid escape sequence',
          `The symbol "${c ?? ''}" is not a valid escape sequence selector.`,
        );
    }
  }

  // ---- conversion to hcl2json's JSON ----------------------------------------------------------

  private source(node: Node): string {
    return this.src.slice(node.start, node.end);
  }

  private wrap(node: Node): string {
    return `\${${this.source(node)}}`;
  }

  convert(node: Node): unknown {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'unary': {
        if (node.operand.kind !== 'literal') return this.wrap(node);
        const v = node.operand.value;
        if (node.op === '-') {
          if (typeof v !== 'number') {
            this.fail(
              node.operand.start,
              'Invalid operand',
              'Unsuitable value for unary operand: number required.',
            );
          }
          return -v;
        }
        if (typeof v !== 'boolean') {
          this.fail(
            node.operand.start,
            'Invalid operand',
            'Unsuitable value for unary operand: bool required.',
          );
        }
        return !v;
      }
      case 'template': {
        // A lone interpolation is its expression's value (`"${1}"` is 1, `"${x}"` is "${x}").
        if (node.parts.length === 1 && node.parts[0]!.kind === 'interp' && !node.heredoc) {
          const inner = node.parts[0]!.expr;
          if (
            inner.kind === 'template' ||
            inner.kind === 'literal' ||
            inner.kind === 'tuple' ||
            inner.kind === 'object'
          ) {
            return this.convert(inner);
          }
          return this.wrap(inner);
        }
        if (node.parts.length === 1 && node.parts[0]!.kind === 'text') return node.parts[0]!.value;
        let text = '';
        for (const p of node.parts) text += this.part(p);
        return text;
      }
      case 'tuple':
        return node.items.map((item) => this.convert(item));
      case 'object': {
        // Later keys win (as in HCL); the keys come out sorted, as Go's JSON writes a map.
        const values = new Map<string, unknown>();
        for (const item of node.items) {
          const key = item.bareKey ? this.source(item.key) : this.part({ kind: 'interp', expr: item.key });
          values.set(key, this.convert(item.value));
        }
        const out: Record<string, unknown> = {};
        for (const key of [...values.keys()].sort()) out[key] = values.get(key);
        return out;
      }
      default:
        return this.wrap(node);
    }
  }

  private part(p: Part): string {
    if (p.kind === 'text') return p.value;
    if (p.kind === 'directive') return p.text;
    const e = p.expr;
    if (e.kind === 'literal') return String(e.value);
    if (e.kind === 'template') return String(this.convert(e));
    if (e.kind === 'cond') {
      const branch = (n: Node) => this.part({ kind: 'interp', expr: n });
      return `%{if ${this.source(e.cond)}}${branch(e.yes)}%{else}${branch(e.no)}%{endif}`;
    }
    return this.wrap(e);
  }
}

/** Sorts the label maps of a block type (`type "a" "b" {}` is `{ a: { b: [...] } }`). */
function sortLabels(value: unknown, depth: number): unknown {
  if (depth === 0 || !value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out = sortKeys(value as Record<string, unknown>);
  for (const key of Object.keys(out)) out[key] = sortLabels(out[key], depth - 1);
  return out;
}

/** hcl2json's objects come from Go maps, whose JSON has its keys sorted. */
function sortKeys(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) out[key] = obj[key];
  return out;
}

/** `<<-` heredocs: removes the smallest indentation of the (non-blank) lines from every line. */
function stripIndent(parts: Part[]): Part[] {
  // Work on the text with placeholders for the sequences, which count as content.
  const lines: { indent: number; blank: boolean }[] = [];
  let atLineStart = true;
  let current = { indent: 0, blank: true };
  for (const p of parts) {
    if (p.kind !== 'text') {
      if (atLineStart) current.blank = false;
      atLineStart = false;
      continue;
    }
    for (const ch of p.value) {
      if (ch === '\n') {
        lines.push(current);
        current = { indent: 0, blank: true };
        atLineStart = true;
      } else if (atLineStart && (ch === ' ' || ch === '\t')) current.indent++;
      else if (atLineStart && ch === '\r') continue;
      else {
        if (atLineStart) current.blank = false;
        atLineStart = false;
      }
    }
  }
  if (!atLineStart || !current.blank) lines.push(current);
  const indents = lines.filter((l) => !l.blank).map((l) => l.indent);
  const min = indents.length ? Math.min(...indents) : 0;
  if (min === 0) return parts;
  const out: Part[] = [];
  let remove = min;
  for (const p of parts) {
    if (p.kind !== 'text') {
      remove = 0;
      out.push(p);
      continue;
    }
    let text = '';
    for (const ch of p.value) {
      if (remove > 0 && (ch === ' ' || ch === '\t')) {
        remove--;
        continue;
      }
      if (ch === '\n') {
        text += ch;
        remove = min;
        continue;
      }
      remove = 0;
      text += ch;
    }
    out.push({ kind: 'text', value: text });
  }
  return out;
}

/**
 * Parses HCL native syntax into what @cdktf/hcl2json returns. Throws HclSyntaxError; `file` is only used
 * in messages that point at another place in the file.
 */
export function parseHcl(text: string, file?: string): Record<string, unknown> {
  return new Parser(text, file).parseFile();
}
