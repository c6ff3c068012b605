// Preloaded with `node --import` by the benchmarks: writes the process's peak RSS (KiB) to the file
// named by BENCH_MAXRSS_FILE when it exits. It reads VmHWM from /proc/self/status, which belongs to this
// process's own memory: getrusage's maxRSS survives fork+exec, so a child would report its parent's peak.
import { readFileSync, writeFileSync } from 'node:fs';

function peakKiB() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: fall back to getrusage (may include the parent's peak).
  }
  return process.resourceUsage().maxRSS;
}

const file = process.env.BENCH_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(peakKiB())));
