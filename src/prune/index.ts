export * from './prune.js';
export * from './github.js';
