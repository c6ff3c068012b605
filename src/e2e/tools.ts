/**
 * kind, kubectl and chainsaw, installed through the project's verified tool installer (src/tools): each
 * pinned by version, downloaded from its release and checked against the release's own published
 * checksum (`kind-linux-<arch>.sha256sum`, `kubectl.sha256`, chainsaw's `checksums.txt`) before use,
 * then cached by version. No SHA-256 is pinned in code: no published source of these values could be
 * read from here, so verification relies on the checksum files only.
 */
import { UserError, showValue } from '../errors.js';
import { hostArch, installTool, type InstalledTool, type ToolSpec } from '../tools/install.js';

/** kind v0.32.0: its default node image is DEFAULT_NODE_IMAGE (kind.ts). */
export const DEFAULT_KIND_VERSION = 'v0.32.0';
/** Matches the default node image's Kubernetes minor. */
export const DEFAULT_KUBECTL_VERSION = 'v1.36.1';
/** The release the reference suite runs (`ghcr.io/kyverno/chainsaw:v0.2.15`). */
export const DEFAULT_CHAINSAW_VERSION = 'v0.2.15';

const VERSION = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export interface ToolVersions {
  kind: string;
  kubectl: string;
  chainsaw: string;
}

export function checkVersion(input: string, value: string): string {
  const v = value.trim();
  const withV = v.startsWith('v') ? v : `v${v}`;
  if (!VERSION.test(withV))
    throw new UserError(
      `input "${input}": expected a release version such as v1.2.3, got ${showValue(value)}`,
    );
  return withV;
}

export function toolSpecs(versions: ToolVersions, arch = hostArch()): ToolSpec[] {
  const kind = `https://github.com/kubernetes-sigs/kind/releases/download/${versions.kind}/kind-linux-${arch}`;
  const kubectl = `https://dl.k8s.io/release/${versions.kubectl}/bin/linux/${arch}/kubectl`;
  const chainsawBase = `https://github.com/kyverno/chainsaw/releases/download/${versions.chainsaw}`;
  return [
    {
      name: 'kind',
      version: versions.kind,
      arch,
      url: kind,
      checksum: { url: `${kind}.sha256sum`, fileName: `kind-linux-${arch}` },
      binary: 'kind',
    },
    {
      name: 'kubectl',
      version: versions.kubectl,
      arch,
      url: kubectl,
      checksum: { url: `${kubectl}.sha256` },
      binary: 'kubectl',
    },
    {
      name: 'chainsaw',
      version: versions.chainsaw,
      arch,
      url: `${chainsawBase}/chainsaw_linux_${arch}.tar.gz`,
      checksum: { url: `${chainsawBase}/checksums.txt`, fileName: `chainsaw_linux_${arch}.tar.gz` },
      binary: 'chainsaw',
      archive: 'tar.gz',
    },
  ];
}

export interface Tools {
  kind: string;
  kubectl: string;
  chainsaw: string;
}

/** Installs (or finds in the tool cache) the three tools; returns their paths. */
export async function installE2eTools(
  versions: ToolVersions,
  install = installTool,
): Promise<{ tools: Tools; installed: InstalledTool[] }> {
  const installed: InstalledTool[] = [];
  for (const spec of toolSpecs(versions)) installed.push(await install(spec));
  const [kind, kubectl, chainsaw] = installed.map((t) => t.path) as [string, string, string];
  return { tools: { kind, kubectl, chainsaw }, installed };
}
