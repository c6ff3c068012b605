/**
 * A real HTTP server on 127.0.0.1 serving canned files (a fake release, a checksum file), for tests of
 * download paths. Routes map a URL path to a body, a status, or a truncated body (the server announces
 * the full length, sends part of it and drops the connection). Every request is recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route =
  | { body: string | Buffer; status?: number }
  | { status: number }
  /** Announces `body.length` bytes, sends the first `dropAfter` of them, then destroys the socket. */
  | { body: string | Buffer; dropAfter: number };

export interface TestServer {
  url: string;
  routes: Map<string, Route>;
  requests: string[];
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(p);
    const route = table.get(p);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    if (!('body' in route)) {
      res.writeHead(route.status).end();
      return;
    }
    const body = Buffer.from(route.body);
    res.writeHead('status' in route && route.status ? route.status : 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
    });
    if ('dropAfter' in route) {
      res.write(body.subarray(0, route.dropAfter), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes: table,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
