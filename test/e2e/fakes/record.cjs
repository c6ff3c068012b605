/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Shared by the fakes: appends {tool, argv, envNames, ...} as a JSON line to $E2E_FAKE_LOG (envNames: the
// names of the environment variables the tool was started with).
const fs = require('node:fs');
module.exports = function record(tool, extra = {}) {
  const line = { tool, argv: process.argv.slice(2), envNames: Object.keys(process.env).sort(), ...extra };
  fs.appendFileSync(process.env.E2E_FAKE_LOG, `${JSON.stringify(line)}\n`);
};
module.exports.stdin = () => {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch {
    return '';
  }
};
