import { postgresEngine } from '../helpers/stores.ts';
import { fillCases } from './cases.ts';

fillCases(postgresEngine);
