/**
 * A hostile registry on 127.0.0.1 that points its token realm, upload `Location` and `Link` paging at
 * another server (another port: another origin) or at plain http elsewhere. Each server records the
 * Authorization header of every request it gets: the registry's credentials must reach only the
 * registry's own origin (or an https token realm), never a third party.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError, sha256Digest } from '../../src/registry/client.js';
import { checkRegistryUrl } from '../../src/registry/origin.js';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}
interface Server {
  host: string;
  seen: Seen[];
  close(): Promise<void>;
}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Handler): Promise<Server> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
      handler(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const s: Server = {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  servers.push(s);
  return s;
}

const CREDENTIALS = { username: 'bot', password: 's3cret' };
const BASIC = `Basic ${Buffer.from('bot:s3cret').toString('base64')}`;
const json = (
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const unauthorized = (res: http.ServerResponse, challenge: string) =>
  json(
    res,
    401,
    { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
    {
      'www-authenticate': challenge,
    },
  );
/** Every Authorization header a server received (undefined entries: none sent). */
const authorizations = (s: Server) => s.seen.map((x) => x.authorization);

function client(host: string) {
  return new RegistryClient(host, { credentials: CREDENTIALS, retries: 0, baseDelayMs: 1 });
}

describe('credentials stay with their registry', () => {
  it('a token realm on another origin over plain http gets no credentials (the token is asked for anonymously)', async () => {
    const other = await serve((_req, res) => json(res, 200, { token: 'anon-token' }));
    const registry = await serve((req, res) => {
      if (req.headers.authorization === 'Bearer anon-token')
        return json(res, 200, { name: 'r', tags: ['v1'] });
      unauthorized(res, `Bearer realm="http://${other.host}/token",service="evil"`);
    });
    expect(await client(registry.host).listTags('r')).toEqual(['v1']);
    expect(other.seen.length).toBe(1);
    expect(authorizations(other)).toEqual([undefined]);
    expect(authorizations(registry)).toEqual([undefined, 'Bearer anon-token']);
  });

  it('a token realm on the registry itself gets the credentials', async () => {
    const registry = await serve((req, res) => {
      if (req.url?.startsWith('/token'))
        return json(res, 200, { token: req.headers.authorization === BASIC ? 'user-token' : 'anon' });
      if (req.headers.authorization === 'Bearer user-token')
        return json(res, 200, { name: 'r', tags: ['v1'] });
      unauthorized(res, `Bearer realm="http://${registry.host}/token",service="ok"`);
    });
    expect(await client(registry.host).listTags('r')).toEqual(['v1']);
    expect(authorizations(registry)).toEqual([undefined, BASIC, 'Bearer user-token']);
  });

  it('a token realm over plain http to a host other than the loopback is refused before any request', async () => {
    const registry = await serve((_req, res) =>
      unauthorized(res, 'Bearer realm="http://example.invalid/token"'),
    );
    const err = await client(registry.host)
      .listTags('r')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toBe(
      `registry ${registry.host}, repository r: list tags failed: the token realm http://example.invalid/token is refused: plain http is only used for the loopback`,
    );
  });

  it('an upload Location on another origin gets the blob but not the credentials', async () => {
    const data = Buffer.from('blob');
    const digest = sha256Digest(data);
    const other = await serve((_req, res) => res.writeHead(201).end());
    const registry = await serve((req, res) => {
      if (req.headers.authorization !== BASIC) return unauthorized(res, 'Basic realm="registry"');
      if (req.method === 'HEAD') return res.writeHead(404).end();
      if (req.method === 'POST')
        return res.writeHead(202, { location: `http://${other.host}/upload/1?state=x` }).end();
      res.writeHead(500).end();
    });
    await client(registry.host).pushBlob('r', digest, data);
    expect(other.seen.map((s) => s.method)).toEqual(['PUT']);
    expect(authorizations(other)).toEqual([undefined]);
    // The foreign server's 401 is not answered with the credentials either.
    const asking = await serve((_req, res) => unauthorized(res, 'Basic realm="evil"'));
    const registry2 = await serve((req, res) => {
      if (req.headers.authorization !== BASIC) return unauthorized(res, 'Basic realm="registry"');
      if (req.method === 'HEAD') return res.writeHead(404).end();
      res.writeHead(202, { location: `http://${asking.host}/upload/1` }).end();
    });
    const err = await client(registry2.host)
      .pushBlob('r', digest, data)
      .catch((e: unknown) => e);
    expect((err as RegistryError).status).toBe(401);
    expect((err as Error).message).toContain(`credentials are not sent to http://${asking.host}`);
    expect(authorizations(asking)).toEqual([undefined]);
  });

  it('Link paging to another origin gets no credentials', async () => {
    const other = await serve((_req, res) => json(res, 200, { name: 'r', tags: ['b'] }));
    const registry = await serve((req, res) => {
      if (req.headers.authorization !== BASIC) return unauthorized(res, 'Basic realm="registry"');
      json(
        res,
        200,
        { name: 'r', tags: ['a'] },
        {
          link: `<http://${other.host}/v2/r/tags/list?last=a>; rel="next"`,
        },
      );
    });
    expect(await client(registry.host).listTags('r')).toEqual(['a', 'b']);
    expect(authorizations(other)).toEqual([undefined]);
  });

  it('a redirect to another origin drops the credentials; one to plain http elsewhere is refused', async () => {
    const data = Buffer.from('x');
    const digest = sha256Digest(data);
    const other = await serve((_req, res) => res.writeHead(200).end(data));
    let target = `http://${other.host}/blob`;
    let open = false;
    const registry = await serve((req, res) => {
      if (req.url?.startsWith('/token')) return json(res, 200, { token: 'issued' });
      if (!open && req.headers.authorization !== BASIC) return unauthorized(res, 'Basic realm="registry"');
      res.writeHead(307, { location: target }).end();
    });
    expect(await client(registry.host).getBlob('r', digest)).toEqual(data);
    expect(authorizations(other)).toEqual([undefined]);
    // A server the registry redirects to cannot make the client log in (to any realm) on its behalf.
    const asking = await serve((_req, res) =>
      unauthorized(res, `Bearer realm="http://${registry.host}/token",service="evil"`),
    );
    target = `http://${asking.host}/blob`;
    open = true; // the registry redirects anonymous reads: the client holds no token yet
    const refused = await client(registry.host)
      .getBlob('r', digest)
      .catch((e: unknown) => e);
    expect((refused as RegistryError).status).toBe(401);
    expect(authorizations(asking)).toEqual([undefined]);
    expect(registry.seen.filter((x) => x.path.startsWith('/token'))).toEqual([]);
    target = 'http://example.invalid/blob';
    const err = await client(registry.host)
      .getBlob('r', digest)
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /get blob sha256:\w+ failed: the redirect to http:\/\/example\.invalid\/blob is refused: plain http is only used for the loopback$/,
    );
  });
});

describe('checkRegistryUrl', () => {
  const base = 'https://ghcr.io';
  const check = (target: string, use: 'registry' | 'token', from?: string) => {
    try {
      return checkRegistryUrl(base, new URL(target), use, from ? new URL(from) : undefined);
    } catch (err) {
      return (err as Error).message;
    }
  };
  it('sends credentials to the registry origin and https token realms only, never downgrades', () => {
    expect(check('https://ghcr.io/v2/x/tags/list?last=a', 'registry')).toEqual({ credentials: true });
    expect(check('https://ghcr.io/token', 'token')).toEqual({ credentials: true });
    expect(check('https://auth.example.com/token', 'token')).toEqual({ credentials: true });
    expect(check('https://uploads.example.com/x', 'registry')).toEqual({ credentials: false });
    expect(check('https://ghcr.io:8443/x', 'registry')).toEqual({ credentials: false });
    expect(check('http://ghcr.io/token', 'token')).toBe('plain http is only used for the loopback');
    expect(check('http://127.0.0.1:5000/token', 'token')).toBe(
      'it would downgrade https://ghcr.io to plain http',
    );
    expect(check('http://127.0.0.1:5000/x', 'registry', 'https://cdn.example.com/x')).toBe(
      'it would downgrade https://cdn.example.com to plain http',
    );
    expect(check('ftp://ghcr.io/x', 'registry')).toBe('only http and https URLs are followed');
    expect(checkRegistryUrl('http://127.0.0.1:5000', new URL('http://127.0.0.1:6000/t'), 'token')).toEqual({
      credentials: false,
    });
    expect(checkRegistryUrl('http://127.0.0.1:5000', new URL('http://localhost:5000/t'), 'token')).toEqual({
      credentials: false,
    });
  });
});
