import { postgresEngine } from '../helpers/stores.ts';
import { calloutKillScenario } from './callout-kill-scenario.ts';

calloutKillScenario(postgresEngine, ['documented']);
