import { pgliteEngine } from '../helpers/stores.ts';
import { fillCases } from './cases.ts';

fillCases(pgliteEngine);
