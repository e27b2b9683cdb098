import { pgliteEngine } from '../helpers/stores.ts';
import { calloutKillScenario } from './callout-kill-scenario.ts';

// Embedded: the killed process held the database; the repeat opens it after the kill.
calloutKillScenario(pgliteEngine, ['recorded']);
