/**
 * A throw-away Sigstore instance for tests (CA with CT log, Rekor-like transparency log, from
 * @sigstore/mock): signs blobs into v0.3 bundles the way a release pipeline does and exposes the matching
 * trusted_root.json, so bundle verification runs for real without the network.
 */
import { initializeCA, initializeCTLog, initializeTLog } from '@sigstore/mock';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b64 = (b: ArrayBufferView | ArrayBuffer) =>
  (ArrayBuffer.isView(b) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b)).toString(
    'base64',
  );
const REKOR_URL = 'https://rekor.mock.test';

export interface MockSigstore {
  trustedRoot: object;
  signBlob(data: Buffer, subjectAlternativeName: string, issuer: string): Promise<string>;
}

export async function mockSigstore(): Promise<MockSigstore> {
  const ctKeys = keyPair();
  const tlogKeys = keyPair();
  const ctLog = await initializeCTLog(ctKeys);
  const ca = await initializeCA(keyPair(), ctLog);
  const tlog = await initializeTLog(REKOR_URL, tlogKeys);
  const spki = (k: typeof ctKeys) => k.publicKey.export({ format: 'der', type: 'spki' });
  const validFor = { start: '2000-01-01T00:00:00Z' };
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: REKOR_URL,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(spki(tlogKeys)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
        logId: { keyId: b64(createHash('sha256').update(spki(tlogKeys)).digest()) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.mock.test',
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor,
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.mock.test',
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(spki(ctKeys)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
        logId: { keyId: b64(ctLog.logID) },
      },
    ],
    timestampAuthorities: [],
  };

  async function signBlob(data: Buffer, subjectAlternativeName: string, issuer: string): Promise<string> {
    const leaf = keyPair();
    const cert = await ca.issueCertificate({
      publicKey: spki(leaf),
      subjectAltName: subjectAlternativeName,
      extensions: [
        { oid: '1.3.6.1.4.1.57264.1.1', value: issuer, legacy: true },
        { oid: '1.3.6.1.4.1.57264.1.8', value: issuer },
      ],
    });
    const digest = createHash('sha256').update(data).digest();
    const signature = sign('sha256', data, leaf.privateKey);
    const certPem = `-----BEGIN CERTIFICATE-----\n${b64(cert)
      .match(/.{1,64}/g)!
      .join('\n')}\n-----END CERTIFICATE-----\n`;
    const entries = await tlog.log({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
        signature: {
          content: b64(signature),
          publicKey: { content: Buffer.from(certPem).toString('base64') },
        },
      },
    });
    const entry = Object.values(entries)[0] as {
      body: string;
      integratedTime: number;
      logID: string;
      logIndex: number;
      verification: {
        signedEntryTimestamp: string;
        inclusionProof: {
          logIndex: number;
          rootHash: string;
          treeSize: number;
          hashes: string[];
          checkpoint: string;
        };
      };
    };
    const proof = entry.verification.inclusionProof;
    return JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        certificate: { rawBytes: b64(cert) },
        tlogEntries: [
          {
            logIndex: String(entry.logIndex),
            logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
            kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
            integratedTime: String(entry.integratedTime),
            inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp },
            inclusionProof: {
              logIndex: String(proof.logIndex),
              rootHash: Buffer.from(proof.rootHash, 'hex').toString('base64'),
              treeSize: String(proof.treeSize),
              hashes: proof.hashes,
              checkpoint: { envelope: proof.checkpoint },
            },
            canonicalizedBody: entry.body,
          },
        ],
      },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: b64(digest) },
        signature: b64(signature),
      },
    });
  }
  return { trustedRoot, signBlob };
}
