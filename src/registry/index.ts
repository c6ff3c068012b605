export * from './auth.js';
export * from './client.js';
export * from './inspect.js';
export * from './media-types.js';
export * from './reference.js';
export * from './promote.js';
export * from './promotions.js';
