import { pgliteEngine } from '../helpers/stores.ts';
import { fuzzScenario } from './fuzz-scenario.ts';

fuzzScenario(pgliteEngine);
