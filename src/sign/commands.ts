/** cosign command lines (argv arrays), and their shell-quoted form for users to paste. */

export interface SignerOptions {
  /** Upload to the transparency log (Rekor). */
  tlog: boolean;
  /** A key reference for key-based signing (file path or KMS URI); keyless when undefined. */
  key?: string | undefined;
  /**
   * A signing config file without transparency log services: cosign 3.1 deprecates
   * `--tlog-upload=false` for it. Without one, the older flags are used.
   */
  signingConfig?: string | undefined;
}

/**
 * The signing config that turns the transparency log off (no Rekor, no TSA, no Fulcio: key-based
 * signing only), as `cosign signing-config create --no-default-rekor --no-default-tsa ...` writes it.
 */
export const NO_TLOG_SIGNING_CONFIG = {
  mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
  rekorTlogConfig: {},
  tsaConfig: {},
};

export interface VerifierOptions {
  tlog: boolean;
  /** Keyless: the identity regexp and issuer the certificate must carry. */
  identityRegexp: string;
  issuer: string;
  /** Key-based: the public key (file or KMS URI) to verify with instead of an identity. */
  publicKey?: string | undefined;
  /**
   * Keyless on GitHub: what the certificate's GitHub extensions must say. Inside a reusable workflow the
   * identity names the reusable workflow, which any repository can call; `repository` (the caller, the
   * token's `repository` claim) pins who signed, `ref` and `trigger` where it ran.
   */
  github?: GithubClaims | undefined;
}

export interface GithubClaims {
  repository?: string | undefined;
  ref?: string | undefined;
  trigger?: string | undefined;
}

// cosign v3 signs through a TUF-provided signing config that always includes Rekor; turning the log
// off needs the config off too (`--tlog-upload=false` alone is refused since cosign 3.0.3).
const noTlogSign = ['--use-signing-config=false', '--tlog-upload=false'];

function signerFlags(o: SignerOptions): string[] {
  const noTlog = o.tlog ? [] : o.signingConfig ? ['--signing-config', o.signingConfig] : noTlogSign;
  return [...noTlog, ...(o.key ? ['--key', o.key] : [])];
}

function verifierFlags(o: VerifierOptions): string[] {
  const who = o.publicKey
    ? ['--key', o.publicKey]
    : [
        '--certificate-identity-regexp',
        o.identityRegexp,
        '--certificate-oidc-issuer',
        o.issuer,
        ...githubFlags(o.github),
      ];
  return [...who, ...(o.tlog ? [] : ['--insecure-ignore-tlog=true'])];
}

function githubFlags(g: GithubClaims | undefined): string[] {
  const flags: string[] = [];
  if (g?.repository) flags.push('--certificate-github-workflow-repository', g.repository);
  if (g?.ref) flags.push('--certificate-github-workflow-ref', g.ref);
  if (g?.trigger) flags.push('--certificate-github-workflow-trigger', g.trigger);
  return flags;
}

export function signArgs(ref: string, annotations: readonly string[], o: SignerOptions): string[] {
  return ['sign', '--yes', ...signerFlags(o), ...annotations.flatMap((a) => ['-a', a]), ref];
}

export function verifyArgs(ref: string, o: VerifierOptions): string[] {
  return ['verify', ...verifierFlags(o), ref];
}

export function signBlobArgs(file: string, bundle: string, o: SignerOptions): string[] {
  return ['sign-blob', '--yes', ...signerFlags(o), '--bundle', bundle, file];
}

export function verifyBlobArgs(file: string, bundle: string, o: VerifierOptions): string[] {
  return ['verify-blob', ...verifierFlags(o), '--bundle', bundle, file];
}

/** POSIX shell quoting: bare when safe, else single quotes. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map(shellQuote).join(' ');
}
