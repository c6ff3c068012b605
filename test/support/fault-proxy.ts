/**
 * An HTTP proxy on 127.0.0.1 in front of a registry that injects faults: for requests a rule picks,
 * it answers an error status (500, 429 with Retry-After) or drops the connection instead of
 * forwarding (or any canned answer, e.g. an auth challenge), or forwards and cuts the response
 * body short (a connection dropped mid-download). The Host header is forwarded unchanged, so upload Locations point back at the proxy.
 */
import http from 'node:http';
import type net from 'node:net';

export type Fault =
  | { status: number; retryAfter?: number; headers?: Record<string, string>; body?: string | Buffer }
  | 'drop'
  /** Forward, but cut the connection after the response headers and this many body bytes. */
  | { truncateAfter: number };

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface FaultProxy {
  host: string;
  /** Every request seen: `METHOD path` plus what happened. */
  log: { method: string; path: string; fault?: string }[];
  /** Sets the rule deciding a fault for each request (undefined: forward it). */
  setRule(rule: (req: ProxiedRequest) => Fault | undefined): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let rule: (req: ProxiedRequest) => Fault | undefined = () => undefined;
  const log: FaultProxy['log'] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const entry = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const fault = rule({ ...entry, headers: req.headers });
    if (fault === 'drop') {
      log.push({ ...entry, fault: 'drop' });
      req.socket.destroy();
      return;
    }
    const truncate = typeof fault === 'object' && 'truncateAfter' in fault ? fault.truncateAfter : undefined;
    if (fault && truncate === undefined && typeof fault === 'object' && 'status' in fault) {
      log.push({ ...entry, fault: String(fault.status) });
      req.resume();
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}),
        ...fault.headers,
      });
      res.end(
        fault.body ?? JSON.stringify({ errors: [{ code: 'INJECTED', message: `injected ${fault.status}` }] }),
      );
      return;
    }
    log.push(truncate === undefined ? entry : { ...entry, fault: 'truncate' });
    const [hostname, port] = target.split(':');
    const upstream = http.request(
      { hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (truncate === undefined) {
          up.pipe(res);
          return;
        }
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent >= truncate) return;
          const part = chunk.subarray(0, truncate - sent);
          sent += part.length;
          res.write(part, () => {
            if (sent >= truncate) {
              up.destroy();
              req.socket.destroy();
            }
          });
        });
        up.on('end', () => res.end());
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    log,
    setRule(r) {
      rule = r;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
