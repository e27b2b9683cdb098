#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm install`, `npm start` or `npm run build`). When the
// sources changed after that build — a developer's checkout — it runs them through tsx instead, so
// `npx skybridge` never runs stale code.
import { distIsFresh } from '../scripts/build.js';

if (distIsFresh()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
