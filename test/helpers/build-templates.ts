// Builds the store templates (templates.ts) for both engines, so the first test files of a run copy them
// instead of each building the same ones at once. Run by scripts/run-tests.js before the tests.
import { TEST_DATABASE_URL } from './stores.ts';
import { pgliteTemplateDir, postgresTemplateName } from './templates.ts';

await Promise.all([pgliteTemplateDir(), postgresTemplateName(TEST_DATABASE_URL)]);
