export * from './bake.js';
export * from './changed.js';
export * from './discover.js';
export * from './metadata.js';
export * from './plan.js';
export * from './timestamp.js';
export * from './version.js';
