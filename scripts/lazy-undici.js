// Bundled in place of `undici` for @actions/http-client and @actions/github (see build.mjs): they import
// it at the top of their modules but use it only behind a proxy (ProxyAgent) or for Octokit's fetch,
// and compiling and evaluating undici at start-up costs every action about 0.1-0.2 s. build.mjs bundles
// the real undici alone as dist/chunks/undici.cjs, loaded on first use; every bundle (dist/<name>/*.js
// and dist/chunks/*.js) sits one folder below dist/, so the relative path holds from each of them.
import { createRequire } from 'node:module';

let undici;
const load = () => (undici ??= createRequire(import.meta.url)('../chunks/undici.cjs'));

export class ProxyAgent {
  constructor(...args) {
    return new (load().ProxyAgent)(...args);
  }
}

export function fetch(...args) {
  return load().fetch(...args);
}
