/** The job summary of the sign action (markdown). */
import { splitReference } from '../registry/reference.js';
import type { SignReport } from './sign.js';
import { mdCode as code, mdFence, mdText } from '../action/markdown.js';

export function signSummary(r: SignReport): string {
  const lines = ['## Signatures', ''];
  if (r.status === 'skipped') {
    lines.push(`:warning: Nothing was signed: ${mdText(r.reason ?? '')}.`, '');
    return lines.join('\n');
  }
  const how =
    r.mode === 'key'
      ? 'with a key'
      : `keyless (identity ${code(r.identity?.regexp ?? '', false)}, issuer ${code(r.identity?.issuer ?? '', false)}${
          r.identity?.github?.repository ? `, repository ${code(r.identity.github.repository, false)}` : ''
        }${r.identity?.github?.ref ? `, ref ${code(r.identity.github.ref, false)}` : ''}${
          r.identity?.github?.trigger ? `, trigger ${code(r.identity.github.trigger, false)}` : ''
        })`;
  lines.push(
    `Signed ${how} with cosign ${mdText(r.cosign?.version ?? '')}; transparency log ${r.tlog ? 'on' : 'off'}; ${r.verified ? 'every signature verified' : 'verification skipped (verify: false)'}.`,
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
  lines.push('### Verify', '', mdFence(r.verifyCommands.join('\n'), 'sh'), '');
  return lines.join('\n');
}
