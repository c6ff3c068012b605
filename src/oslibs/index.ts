export * from './oslibs.js';
export * from './run.js';
