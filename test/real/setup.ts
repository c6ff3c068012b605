/** Global set-up of the real-tools suite: starts the daemons, the registry and the base image once. */
import type { TestProject } from 'vitest/node';
import { startEnvironment, type RealEnvironment } from './support/environment.js';

declare module 'vitest' {
  export interface ProvidedContext {
    real: RealEnvironment;
  }
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const { environment, stop } = await startEnvironment();
  console.log(
    `real-tools environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(environment)}`,
  );
  project.provide('real', environment);
  return stop;
}
