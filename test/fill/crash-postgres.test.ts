import { postgresEngine } from '../helpers/stores.ts';
import { crashCases } from './crash-scenario.ts';

crashCases(postgresEngine);
