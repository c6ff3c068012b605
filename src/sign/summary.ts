/** The job summary of the sign action (markdown). */
import { splitReference } from '../registry/reference.js';
import type { SignReport } from './sign.js';

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

export function signSummary(r: SignReport): string {
  const lines = ['## Signatures', ''];
  if (r.status === 'skipped') {
    lines.push(`:warning: Nothing was signed: ${r.reason}.`, '');
    return lines.join('\n');
  }
  const how =
    r.mode === 'key'
      ? 'with a key'
      : `keyless (identity ${code(r.identity?.regexp ?? '')}, issuer ${code(r.identity?.issuer ?? '')}${
          r.identity?.github?.repository ? `, repository ${code(r.identity.github.repository)}` : ''
        }${r.identity?.github?.ref ? `, ref ${code(r.identity.github.ref)}` : ''}${
          r.identity?.github?.trigger ? `, trigger ${code(r.identity.github.trigger)}` : ''
        })`;
  lines.push(
    `Signed ${how} with cosign ${r.cosign?.version ?? ''}; transparency log ${r.tlog ? 'on' : 'off'}; ${r.verified ? 'every signature verified' : 'verification skipped (verify: false)'}.`,
    '',
  );
  if (r.signed.length) {
    lines.push('| Image | Digest |', '| --- | --- |');
    for (const ref of r.signed) {
      const { name, digest } = splitReference(ref);
      lines.push(`| ${code(name)} | ${code(digest ?? '')} |`);
    }
    lines.push('');
  }
  if (r.files.length) {
    lines.push('| File | Bundle |', '| --- | --- |');
    for (const f of r.files) lines.push(`| ${code(f.file)} | ${code(f.bundle)} |`);
    lines.push('');
  }
  lines.push('### Verify', '', '```sh', ...r.verifyCommands, '```', '');
  return lines.join('\n');
}
