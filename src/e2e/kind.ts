/**
 * The kind cluster and the local registry wiring: the cluster config (ImageVolume feature gate on
 * Kubernetes 1.33-1.34, containerd `config_path` for per-registry `hosts.toml`), the `hosts.toml` that
 * sends pulls of the local registry's in-network name over plain HTTP, and the kubelet's node-level pull
 * credentials. Pure.
 */
import { stringify } from 'yaml';
import { UserError, showValue } from '../errors.js';
import { isDigest, repositoryNameProblem, splitReference } from '../registry/reference.js';

/**
 * kind v0.32.0's default node image, digest as published in kubernetes-sigs/kind
 * `pkg/apis/config/defaults/image.go` at tag v0.32.0 (commit cda67ef8588f6bfdac5358233f2471cb2149ecaf);
 * the reference Taskfile pins the same value (`KIND_NODE_VERSION`).
 */
export const DEFAULT_NODE_IMAGE =
  'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';

/**
 * The local registry: distribution 3.1.1, pinned as the reference Taskfile pins it
 * (cloudnative-pg/postgres-extensions-containers `Taskfile.yml` REGISTRY_VERSION at commit 079bc9e).
 */
export const REGISTRY_IMAGE =
  'registry:3.1.1@sha256:1be55279f18a2fe1a74edf2664cac61c1bea305b7b4642dab412e7affdcb3e33';

export const CERTS_DIR = '/etc/containerd/certs.d';
export const KUBELET_CONFIG = '/var/lib/kubelet/config.json';

const NODE_VERSION_TAG = /^v(\d+)\.(\d+)\.(\d+)[\w.+-]*$/;

/** Kubernetes `{major, minor}` of a kind node image pinned by digest (`kindest/node:v1.34.0@sha256:...`). */
export function nodeVersion(image: string): { major: number; minor: number } {
  const { name, tag, digest } = splitReference(image.trim());
  const m = tag === undefined ? null : NODE_VERSION_TAG.exec(tag);
  if (!m || digest === undefined || !isDigest(digest) || repositoryNameProblem(name) !== undefined) {
    throw new UserError(
      `input "node-image": expected a kind node image with a version tag pinned by digest, such as ${DEFAULT_NODE_IMAGE}, got ${showValue(image)}`,
    );
  }
  const version = { major: Number(m[1]), minor: Number(m[2]) };
  if (version.major === 1 && version.minor < 33) {
    throw new UserError(
      `input "node-image": image volumes need Kubernetes 1.33 or later, got ${showValue(image)} (v${version.major}.${version.minor})`,
    );
  }
  return version;
}

/** The ImageVolume feature gate is off by default before Kubernetes 1.35 (beta in 1.33-1.34). */
export function needsImageVolumeGate(version: { major: number; minor: number }): boolean {
  return version.major === 1 && version.minor < 35;
}

/** The kind `Cluster` config. */
export function kindConfig(nodeImage: string): string {
  const version = nodeVersion(nodeImage);
  const config: Record<string, unknown> = { kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' };
  if (needsImageVolumeGate(version)) config['featureGates'] = { ImageVolume: true };
  config['containerdConfigPatches'] = [
    `[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "${CERTS_DIR}"`,
  ];
  return stringify(config);
}

/** `hosts.toml` for the local registry, reached by its container name on the shared network. */
export function hostsToml(registryHost: string): string {
  return `server = "http://${registryHost}"\n\n[host."http://${registryHost}"]\n  capabilities = ["pull", "resolve"]\n`;
}

/** `/var/lib/kubelet/config.json`: node-level pull credentials for one registry. */
export function kubeletConfig(registry: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  return `${JSON.stringify({ auths: { [registry]: { auth } } })}\n`;
}

/** Container name of kind's single control-plane node. */
export function controlPlane(cluster: string): string {
  return `${cluster}-control-plane`;
}
