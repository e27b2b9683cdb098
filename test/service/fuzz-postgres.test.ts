import { postgresEngine } from '../helpers/stores.ts';
import { fuzzScenario } from './fuzz-scenario.ts';

fuzzScenario(postgresEngine);
