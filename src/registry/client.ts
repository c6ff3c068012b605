/**
 * A small OCI distribution (registry v2) client on Node's built-in fetch.
 *
 * Why not an npm library: the maintained JavaScript registry clients either shell out to a tool, are
 * abandoned (docker-registry-client), or lack cross-repository mounts, OCI indexes and retries. The
 * protocol parts used here are small: manifests, blobs, uploads, mounts, tags and the token challenge.
 *
 * - Auth: anonymous first; on 401 the `WWW-Authenticate` challenge is answered (Bearer: a token from
 *   the realm, with basic credentials when known; Basic: the credentials). Tokens are cached per scope.
 * - Credentials: given in the options (per registry host), else `$DOCKER_CONFIG/config.json` `auths`.
 * - Plain HTTP only for the loopback (`localhost`, `127.0.0.1`); HTTPS everywhere else.
 * - URLs the registry names (token realm, upload `Location`, `Link` paging, redirects) are checked
 *   (origin.ts): credentials go only to the registry's own origin or an https token realm, plain http
 *   only to the loopback, never a downgrade from https. Redirects are followed here, hop by hop.
 * - Retries with exponential backoff (honouring `Retry-After`) on 429, 5xx and dropped connections.
 * - Errors are `RegistryError`s naming registry, repository, operation and status.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import {
  basicAuthorization,
  lookupDockerConfig,
  missingCredentialsHint,
  parseChallenges,
  type DockerConfigLookup,
  type Challenge,
  type Credentials,
} from './auth.js';
import { ALL_MANIFEST_TYPES, type ImageIndex, type ImageManifest } from './media-types.js';
import { withRetries } from '../process/retry.js';
import {
  CONTENT_DIGEST_FORMS,
  isContentDigest,
  isInsecureHost,
  isRepositoryPath,
  isTag,
  registryUrl,
} from './reference.js';
import { checkRegistryUrl, RefusedUrl, type UrlUse } from './origin.js';

export interface ClientOptions {
  /** Credentials per registry host (`ghcr.io`), or for every registry. Overrides the Docker config file. */
  credentials?: Credentials | Record<string, Credentials>;
  /** Environment used to find the Docker config (`DOCKER_CONFIG`, `HOME`). Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff delay in ms (default 500); doubles each retry, with jitter, capped by maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-request timeout in ms (default 120000). */
  timeoutMs?: number;
  /** Called for each retry, e.g. to log it. */
  onRetry?: (info: { method: string; url: string; attempt: number; reason: string; delayMs: number }) => void;
  userAgent?: string;
}

export class RegistryError extends UserError {
  constructor(
    message: string,
    readonly registry: string,
    readonly repository: string | undefined,
    readonly status: number | undefined,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ManifestResult {
  digest: string;
  mediaType: string;
  /** The exact bytes the registry returned (their SHA-256 is the digest). */
  bytes: Buffer;
  json: ImageIndex | ImageManifest;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The digest of `data` with the algorithm of `like` (`sha256:` or `sha512:`), sha256 by default. */
export function contentDigest(data: Uint8Array, like?: string): string {
  const algorithm = like?.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

function isCredentials(value: unknown): value is Credentials {
  return typeof value === 'object' && value !== null && typeof (value as Credentials).username === 'string';
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/** A response worth retrying (429, 5xx), thrown inside the retry loop; `Retry-After` in ms when given. */
class RetryableStatus extends Error {
  constructor(
    reason: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(reason);
  }
}

const refused = (err: unknown): boolean => failureReason(err) === 'ECONNREFUSED';

/** Why an attempt failed: the status, or the network error's code (`ECONNRESET`) or message. */
function failureReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/**
 * A blob uploaded without holding it in memory: its size, and a way to open its bytes, called again
 * for each retry (the signal aborts the stream when an attempt is over).
 */
export interface BlobSource {
  size: number;
  open(signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
}

interface RequestOptions {
  method?: string;
  /** Path below the registry root (`/v2/...`) or an absolute URL (upload locations). */
  path: string;
  repository?: string;
  /** Token scopes this request needs (`repository:name:pull,push`). */
  scopes?: string[];
  headers?: Record<string, string>;
  body?: Buffer | BlobSource;
  /** Aborts the request, including the reading of its body. */
  signal?: AbortSignal;
  /** Statuses returned to the caller instead of thrown. */
  expect: number[];
  /** Words describing the operation for errors: `get manifest "1.0"`. */
  what: string;
  /**
   * Read a 200 response's body inside the retry loop, so a connection dropped mid-download is
   * retried like one dropped before the headers.
   */
  read?: boolean;
}

export class RegistryClient {
  readonly baseUrl: string;
  private readonly credentials: Credentials | undefined;
  /** The Docker config lookup, when credentials came from neither the options nor the file. */
  private readonly configLookup: DockerConfigLookup | undefined;
  private readonly tokens = new Map<string, string>();
  private basic = false;
  private readonly retries: number;
  private readonly baseDelay: number;
  private readonly maxDelay: number;
  private readonly timeout: number;

  constructor(
    /** Registry host (`ghcr.io`, `127.0.0.1:5000`, `docker.io`). */
    readonly registry: string,
    private readonly options: ClientOptions = {},
  ) {
    this.baseUrl = registryUrl(registry);
    const given = options.credentials;
    const explicit = isCredentials(given) ? given : given?.[registry];
    const lookup = explicit ? undefined : lookupDockerConfig(registry, options.env ?? process.env);
    this.credentials = explicit ?? lookup?.credentials;
    this.configLookup = this.credentials ? undefined : lookup;
    this.retries = options.retries ?? 5;
    this.baseDelay = options.baseDelayMs ?? 500;
    this.maxDelay = options.maxDelayMs ?? 30_000;
    this.timeout = options.timeoutMs ?? 120_000;
  }

  private where(repository: string | undefined): string {
    return repository ? `registry ${this.registry}, repository ${repository}` : `registry ${this.registry}`;
  }

  private fail(
    req: RequestOptions,
    status: number | undefined,
    detail: string,
    code?: string,
  ): RegistryError {
    return new RegistryError(
      `${this.where(req.repository)}: ${req.what} failed: ${detail}`,
      this.registry,
      req.repository,
      status,
      code,
    );
  }

  /** An error about what the registry answered (status 200: the content, not the exchange, is wrong). */
  private refuse(repository: string | undefined, message: string): RegistryError {
    return new RegistryError(`${this.where(repository)}: ${message}`, this.registry, repository, 200);
  }

  /** Refuses a repository name, tag or digest that is not one, before it goes into a request path. */
  private checkName(repository: string, what: string, value?: string, kind?: 'reference' | 'digest'): void {
    const req = { repository, path: '', expect: [], what };
    if (!isRepositoryPath(repository))
      throw this.fail(req, undefined, `${JSON.stringify(repository)} is not a repository name`);
    if (value === undefined) return;
    if (kind === 'digest' && !isContentDigest(value))
      throw this.fail(req, undefined, `${JSON.stringify(value)} is not a digest (${CONTENT_DIGEST_FORMS})`);
    if (kind === 'reference' && !isContentDigest(value) && !isTag(value))
      throw this.fail(
        req,
        undefined,
        `${JSON.stringify(value)} is neither a tag nor a digest (${CONTENT_DIGEST_FORMS})`,
      );
  }

  private authorization(scopes: string[]): string | undefined {
    if (this.basic && this.credentials) return basicAuthorization(this.credentials);
    const token = this.tokens.get(scopes.join(' '));
    return token ? `Bearer ${token}` : undefined;
  }

  /**
   * Answers a 401 challenge; returns false when there is nothing more to try. A cached token that is
   * refused (it expired: registries issue them for minutes) is replaced once; a token fetched for
   * this very request (`fetched`) that is refused means the credentials lack access.
   */
  private async authenticate(
    header: string | null,
    req: RequestOptions,
    scopes: string[],
    fetched: boolean,
  ): Promise<boolean> {
    const challenges = parseChallenges(header ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params['realm']) {
      const key = scopes.join(' ');
      if (fetched) return false;
      const token = await this.fetchToken(bearer, scopes, req);
      this.tokens.set(key, token);
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic') && this.credentials && !this.basic) {
      this.basic = true;
      return true;
    }
    return false;
  }

  private async fetchToken(challenge: Challenge, scopes: string[], req: RequestOptions): Promise<string> {
    let url: URL;
    try {
      url = new URL(challenge.params['realm']!);
    } catch {
      throw this.fail(req, 401, `the token realm ${JSON.stringify(challenge.params['realm'])} is not a URL`);
    }
    const { credentials } = this.check(url, 'token', req, 'the token realm');
    if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
    const wanted = new Set(scopes);
    if (challenge.params['scope']) for (const s of challenge.params['scope'].split(' ')) wanted.add(s);
    for (const scope of wanted) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    if (this.credentials && credentials) headers['authorization'] = basicAuthorization(this.credentials);
    const res = await this.send(
      {
        ...req,
        path: url.toString(),
        what: `${req.what} (token from ${url.origin}${url.pathname})`,
        read: true,
      },
      'GET',
      headers,
      undefined,
    );
    if (res.status !== 200) {
      const text = await res.text().catch(() => '');
      throw this.fail(
        { ...req, what: `${req.what}: token request to ${url.origin}${url.pathname}` },
        res.status,
        `${res.status} ${res.statusText}${text ? ` (${text.slice(0, 200).trim()})` : ''}${
          !this.credentials
            ? `; ${missingCredentialsHint(this.configLookup)}`
            : credentials
              ? ''
              : `; credentials are not sent to ${url.origin}: it is neither the registry nor an https token service`
        }`,
      );
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw this.fail(req, res.status, 'the token response has no token');
    return token;
  }

  /** The absolute URL of a request: a path below the registry root, or a URL the registry named. */
  private urlOf(path: string): URL {
    return new URL(/^[a-z][a-z0-9+.-]*:/i.test(path) ? path : `${this.baseUrl}${path}`);
  }

  /** Checks a URL the registry named (origin.ts); a refusal is a RegistryError naming `what`. */
  private check(
    url: URL,
    use: UrlUse,
    req: RequestOptions,
    what: string,
    from?: URL,
  ): { credentials: boolean } {
    try {
      return checkRegistryUrl(this.baseUrl, url, use, from);
    } catch (err) {
      if (err instanceof RefusedUrl)
        throw this.fail(req, undefined, `${what} ${url.origin}${url.pathname} is refused: ${err.message}`);
      throw err;
    }
  }

  /**
   * One HTTP exchange with retries on 429/5xx/dropped connections. Returns the final response.
   * Redirects are followed here (at most 10): each hop is checked like any URL the registry names,
   * and the Authorization header only goes to a hop on the same origin as the one before.
   */
  private async send(
    req: RequestOptions,
    method: string,
    headers: Record<string, string>,
    body: Buffer | BlobSource | undefined,
  ): Promise<Response> {
    const url = this.urlOf(req.path).toString();
    const attempts = this.retries + 1;
    try {
      return await withRetries(
        async (attempt) => {
          let current = new URL(url);
          let hopMethod = method;
          let hopHeaders = headers;
          let hopBody = body;
          let res: Response;
          for (let hop = 0; ; hop++) {
            // A streamed body is opened again for each attempt (and hop), and its source closed when it ends.
            const source = hopBody && !Buffer.isBuffer(hopBody) ? new AbortController() : undefined;
            try {
              const stream = source ? await (hopBody as BlobSource).open(source.signal) : undefined;
              const timeout = AbortSignal.timeout(this.timeout);
              res = await fetch(current, {
                method: hopMethod,
                headers: {
                  'user-agent': this.options.userAgent ?? 'ext-actions',
                  ...hopHeaders,
                  ...(stream ? { 'content-length': String((hopBody as BlobSource).size) } : {}),
                },
                ...(stream ? { body: stream, duplex: 'half' } : {}),
                // A view of the same memory (not a copy): blobs can be large.
                ...(Buffer.isBuffer(hopBody)
                  ? {
                      body: new Uint8Array(
                        hopBody.buffer,
                        hopBody.byteOffset,
                        hopBody.byteLength,
                      ) as Uint8Array<ArrayBuffer>,
                    }
                  : {}),
                redirect: 'manual',
                signal: req.signal ? AbortSignal.any([timeout, req.signal]) : timeout,
              } as RequestInit);
            } finally {
              source?.abort();
            }
            const location = REDIRECT_STATUS.has(res.status) ? res.headers.get('location') : null;
            if (location === null) break;
            await res.arrayBuffer().catch(() => undefined);
            if (hop >= 10) throw this.fail(req, res.status, `more than 10 redirects from ${url}`);
            const next = new URL(location, current);
            this.check(next, 'registry', req, 'the redirect to', current);
            if (next.origin !== current.origin) {
              hopHeaders = Object.fromEntries(
                Object.entries(hopHeaders).filter(([k]) => k.toLowerCase() !== 'authorization'),
              );
            }
            // 303 (and 301/302 after a POST) turn into a GET without a body, as browsers do.
            if (res.status === 303 || ((res.status === 301 || res.status === 302) && hopMethod === 'POST')) {
              if (hopMethod !== 'HEAD') hopMethod = 'GET';
              hopBody = undefined;
              hopHeaders = Object.fromEntries(
                Object.entries(hopHeaders).filter(([k]) => k.toLowerCase() !== 'content-type'),
              );
            }
            current = next;
          }
          if (req.read && res.status === 200) {
            const bytes = await res.arrayBuffer();
            return new Response(bytes, {
              status: res.status,
              statusText: res.statusText,
              headers: res.headers,
            });
          }
          // The last attempt's response is the caller's, whatever its status.
          if (!RETRY_STATUS.has(res.status) || attempt >= attempts) return res;
          const after = Number(res.headers.get('retry-after'));
          await res.arrayBuffer().catch(() => undefined);
          throw new RetryableStatus(
            `${res.status} ${res.statusText}`,
            Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
          );
        },
        {
          attempts,
          delayMs: (attempt, err) => {
            const backoff = Math.min(this.maxDelay, this.baseDelay * 2 ** (attempt - 1));
            const retryAfter = err instanceof RetryableStatus ? err.retryAfterMs : undefined;
            return Math.min(this.maxDelay, retryAfter ?? backoff / 2 + Math.random() * (backoff / 2));
          },
          // A refused URL is not transient, nor is nothing listening on the loopback (a registry that
          // is not started).
          transient: (err) =>
            !(err instanceof RegistryError) && !(refused(err) && isInsecureHost(this.registry)),
          onRetry: (err, attempt, delayMs) =>
            this.options.onRetry?.({ method, url, attempt, reason: failureReason(err), delayMs }),
        },
      );
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      const reason = failureReason(err);
      const e =
        refused(err) && isInsecureHost(this.registry)
          ? this.fail(
              req,
              undefined,
              `${method} ${url}: connection refused: nothing listens on ${this.registry}; start the registry (for example \`docker run -d -p 5000:5000 registry:2\`) or check the registry and port`,
              reason,
            )
          : this.fail(req, undefined, `${method} ${url}: ${reason} (after ${attempts} attempts)`, reason);
      e.unreachable = true;
      throw e;
    }
  }

  /** A request with auth; throws a RegistryError for statuses not in `expect`. */
  private async request(req: RequestOptions): Promise<Response> {
    const method = req.method ?? 'GET';
    const scopes = req.scopes ?? (req.repository ? [`repository:${req.repository}:pull`] : []);
    const url = this.urlOf(req.path);
    // A URL the registry named (Location, Link) on another origin gets neither credentials nor tokens.
    const { credentials } = this.check(url, 'registry', req, 'the URL');
    let fetched = false;
    for (let round = 0; round < 3; round++) {
      const headers = { ...req.headers };
      const auth = credentials ? this.authorization(scopes) : undefined;
      if (auth) headers['authorization'] = auth;
      const res = await this.send(req, method, headers, req.body);
      // A challenge is answered only when the registry itself sent it (not a server it redirected to).
      const fromRegistry = !res.url || new URL(res.url).origin === new URL(this.baseUrl).origin;
      if (
        res.status === 401 &&
        credentials &&
        fromRegistry &&
        (await this.authenticate(res.headers.get('www-authenticate'), req, scopes, fetched))
      ) {
        fetched = true;
        await res.arrayBuffer().catch(() => undefined);
        continue;
      }
      if (req.expect.includes(res.status)) return res;
      const error = await this.errorFrom(req, res);
      if (!credentials && (res.status === 401 || res.status === 403))
        throw new RegistryError(
          `${error.message} (credentials are not sent to ${url.origin}, which is not the registry's origin ${new URL(this.baseUrl).origin})`,
          error.registry,
          error.repository,
          error.status,
          error.code,
        );
      throw error;
    }
    throw this.fail(req, 401, 'authentication was refused');
  }

  private async errorFrom(req: RequestOptions, res: Response): Promise<RegistryError> {
    let detail = `${res.status} ${res.statusText}`;
    let code: string | undefined;
    const text = req.method === 'HEAD' ? '' : await res.text().catch(() => '');
    try {
      const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
      const first = body.errors?.[0];
      if (first) {
        code = first.code;
        detail += ` (${[first.code, first.message].filter(Boolean).join(': ')})`;
      }
    } catch {
      if (text.trim()) detail += ` (${text.trim().slice(0, 200)})`;
    }
    if (res.status === 401 || res.status === 403)
      detail += this.credentials
        ? '; check the credentials'
        : `; ${missingCredentialsHint(this.configLookup)}`;
    return this.fail(req, res.status, detail, code);
  }

  /** Checks that the registry answers the v2 API (authenticating if it asks to). */
  async ping(): Promise<void> {
    await this.request({ path: '/v2/', expect: [200], what: 'API check /v2/' });
  }

  async getManifest(
    repository: string,
    reference: string,
    accept = ALL_MANIFEST_TYPES,
  ): Promise<ManifestResult> {
    this.checkName(repository, `get manifest ${JSON.stringify(reference)}`, reference, 'reference');
    const res = await this.request({
      path: `/v2/${repository}/manifests/${reference}`,
      repository,
      headers: { accept: accept.join(', ') },
      expect: [200],
      read: true,
      what: `get manifest ${JSON.stringify(reference)}`,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    // Asked by digest: the content must have that digest (whatever the algorithm), else it is refused.
    const byDigest = isContentDigest(reference);
    const digest = contentDigest(bytes, byDigest ? reference : undefined);
    if (byDigest && digest !== reference)
      throw new RegistryError(
        `${this.where(repository)}: manifest ${reference} has content digest ${digest}`,
        this.registry,
        repository,
        200,
      );
    let json: ImageIndex | ImageManifest;
    try {
      json = JSON.parse(bytes.toString('utf8')) as ImageIndex | ImageManifest;
    } catch {
      throw new RegistryError(
        `${this.where(repository)}: manifest ${reference} is not JSON`,
        this.registry,
        repository,
        200,
      );
    }
    const mediaType = json.mediaType ?? res.headers.get('content-type')?.split(';')[0] ?? '';
    return { digest, mediaType, bytes, json };
  }

  /** The digest, media type and size of a manifest, or undefined when it does not exist. */
  async headManifest(repository: string, reference: string): Promise<ManifestHead | undefined> {
    const what = `check manifest ${JSON.stringify(reference)}`;
    this.checkName(repository, what, reference, 'reference');
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      repository,
      headers: { accept: ALL_MANIFEST_TYPES.join(', ') },
      expect: [200, 404],
      what: `check manifest ${JSON.stringify(reference)}`,
    });
    if (res.status === 404) return undefined;
    const digest = res.headers.get('docker-content-digest');
    if (!digest) {
      // Some registries omit the header on HEAD: fall back to a GET.
      const m = await this.getManifest(repository, reference);
      return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
    }
    // The header is the registry's word only: it must be a digest, and the one asked for, if any.
    if (!isContentDigest(digest))
      throw this.refuse(
        repository,
        `${what}: the Docker-Content-Digest header ${JSON.stringify(digest)} is not a digest`,
      );
    if (isContentDigest(reference) && digest !== reference)
      throw this.refuse(repository, `${what}: the registry reports digest ${digest} for ${reference}`);
    return {
      digest,
      mediaType: res.headers.get('content-type')?.split(';')[0] ?? '',
      size: Number(res.headers.get('content-length') ?? 0),
    };
  }

  /** Uploads a manifest under a tag or its digest; returns the digest the registry reports. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string> {
    const what = `put manifest ${JSON.stringify(reference)}`;
    this.checkName(repository, what, reference, 'reference');
    const byDigest = isContentDigest(reference);
    const digest = contentDigest(bytes, byDigest ? reference : undefined);
    if (byDigest && digest !== reference)
      throw new Error(`putManifest: the bytes have digest ${digest}, not ${reference}`);
    const res = await this.request({
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      repository,
      scopes: [`repository:${repository}:pull,push`],
      headers: { 'content-type': mediaType },
      body: bytes,
      expect: [201, 200],
      what: `put manifest ${JSON.stringify(reference)}`,
    });
    await res.arrayBuffer().catch(() => undefined);
    const reported = res.headers.get('docker-content-digest');
    if (reported && reported !== digest && reported !== sha256Digest(bytes))
      throw this.refuse(
        repository,
        `${what}: the registry reports digest ${reported} for content with digest ${digest}`,
      );
    return digest;
  }

  /**
   * Deletes a manifest by digest (`DELETE /v2/<name>/manifests/<digest>`), which untags it too.
   * Returns false when it was already gone; a registry that forbids deletes (405) is an error.
   */
  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    this.checkName(repository, `delete manifest ${digest}`, digest, 'digest');
    const res = await this.request({
      method: 'DELETE',
      path: `/v2/${repository}/manifests/${digest}`,
      repository,
      scopes: [`repository:${repository}:delete`],
      expect: [202, 200, 404],
      what: `delete manifest ${digest}`,
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status !== 404;
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    this.checkName(repository, `check blob ${digest}`, digest, 'digest');
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repository}/blobs/${digest}`,
      repository,
      expect: [200, 404],
      what: `check blob ${digest}`,
    });
    return res.status === 200;
  }

  /** Downloads a blob and checks its digest. */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    this.checkName(repository, `get blob ${digest}`, digest, 'digest');
    const res = await this.request({
      path: `/v2/${repository}/blobs/${digest}`,
      repository,
      expect: [200],
      read: true,
      what: `get blob ${digest}`,
    });
    const data = Buffer.from(await res.arrayBuffer());
    const actual = contentDigest(data, digest);
    if (actual !== digest)
      throw new RegistryError(
        `${this.where(repository)}: blob ${digest} arrived with content digest ${actual}`,
        this.registry,
        repository,
        200,
      );
    return data;
  }

  /** Opens a blob for streaming (the caller checks its digest); the signal aborts the download. */
  async openBlob(
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    this.checkName(repository, `get blob ${digest}`, digest, 'digest');
    const req: RequestOptions = {
      path: `/v2/${repository}/blobs/${digest}`,
      repository,
      expect: [200],
      what: `get blob ${digest}`,
      ...(signal ? { signal } : {}),
    };
    const res = await this.request(req);
    if (!res.body) throw this.fail(req, 200, 'the response has no body');
    return res.body as ReadableStream<Uint8Array>;
  }

  /**
   * Asks the registry to mount a blob from another repository of the same registry. Returns true when
   * mounted; false when the registry declined (the caller then uploads the blob).
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    this.checkName(repository, `mount blob ${digest} from ${from}`, digest, 'digest');
    this.checkName(from, `mount blob ${digest} from ${from}`);
    const req: RequestOptions = {
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      repository,
      scopes: [`repository:${repository}:pull,push`, `repository:${from}:pull`],
      expect: [201, 202],
      what: `mount blob ${digest} from ${from}`,
    };
    const res = await this.request(req);
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 201) return true;
    // 202: an upload session was opened instead; cancel it (best effort).
    const location = res.headers.get('location');
    if (location) {
      await this.request({
        ...req,
        method: 'DELETE',
        path: this.resolve(location),
        expect: [204, 404, 202, 200],
      }).catch(() => undefined);
    }
    return false;
  }

  private resolve(location: string): string {
    return new URL(location, this.baseUrl).toString();
  }

  /**
   * Uploads a blob (monolithic POST + PUT) unless the registry already has it. A BlobSource is
   * streamed (the registry checks the digest given in the PUT); a Buffer is checked here first.
   */
  async pushBlob(repository: string, digest: string, data: Buffer | BlobSource): Promise<void> {
    this.checkName(repository, `upload blob ${digest}`, digest, 'digest');
    if (Buffer.isBuffer(data) && contentDigest(data, digest) !== digest)
      throw new Error(`pushBlob: data does not match ${digest}`);
    const scopes = [`repository:${repository}:pull,push`];
    for (let attempt = 0; ; attempt++) {
      if (await this.hasBlob(repository, digest)) return;
      const start = await this.request({
        method: 'POST',
        path: `/v2/${repository}/blobs/uploads/`,
        repository,
        scopes,
        expect: [202],
        what: `start upload of blob ${digest}`,
      });
      await start.arrayBuffer().catch(() => undefined);
      const location = start.headers.get('location');
      if (!location)
        throw this.fail(
          { repository, path: '', expect: [], what: 'start upload' },
          202,
          'no Location header',
        );
      const url = new URL(this.resolve(location));
      url.searchParams.set('digest', digest);
      try {
        const res = await this.request({
          method: 'PUT',
          path: url.toString(),
          repository,
          scopes,
          headers: { 'content-type': 'application/octet-stream' },
          body: data,
          expect: [201, 204],
          what: `upload blob ${digest}`,
        });
        await res.arrayBuffer().catch(() => undefined);
        return;
      } catch (err) {
        // A session lost to a dropped connection answers 404 (BLOB_UPLOAD_UNKNOWN): start again.
        if (err instanceof RegistryError && err.status === 404 && attempt < this.retries) continue;
        throw err;
      }
    }
  }

  /** Every tag of a repository (following `Link` pagination); empty when the repository does not exist. */
  async listTags(repository: string): Promise<string[]> {
    this.checkName(repository, 'list tags');
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    while (path) {
      const res = await this.request({ path, repository, expect: [200, 404], what: 'list tags', read: true });
      if (res.status === 404) {
        await res.arrayBuffer().catch(() => undefined);
        return [];
      }
      const body = (await res.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const link = res.headers.get('link');
      const next = link?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
      path = next ? next[1] : undefined;
    }
    return tags;
  }

  /**
   * Referrers of a manifest through the referrers API; undefined when the registry has no such API
   * (distribution 2.8 answers 404), in which case callers use the `sha256-<hex>` tag fallback.
   */
  async referrersApi(repository: string, digest: string): Promise<ImageIndex | undefined> {
    this.checkName(repository, `list referrers of ${digest}`, digest, 'digest');
    const res = await this.request({
      path: `/v2/${repository}/referrers/${digest}`,
      repository,
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
      expect: [200, 404, 400, 405],
      what: `list referrers of ${digest}`,
      read: true,
    });
    if (
      res.status !== 200 ||
      !res.headers.get('content-type')?.includes('application/vnd.oci.image.index.v1+json')
    ) {
      await res.arrayBuffer().catch(() => undefined);
      return undefined;
    }
    return (await res.json()) as ImageIndex;
  }
}

/** One client per registry host, sharing options (and so tokens) across calls. */
export class ClientPool {
  private readonly clients = new Map<string, RegistryClient>();
  constructor(readonly options: ClientOptions = {}) {}
  get(registry: string): RegistryClient {
    let client = this.clients.get(registry);
    if (!client) {
      client = new RegistryClient(registry, this.options);
      this.clients.set(registry, client);
    }
    return client;
  }
}
