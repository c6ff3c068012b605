export * from './checks.js';
export * from './elf.js';
export * from './files.js';
export * from './verify.js';
