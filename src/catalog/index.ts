export * from './generate.js';
export * from './validate.js';
export * from './write.js';
