import { pgliteEngine } from '../helpers/stores.ts';
import { besideServiceTest } from './beside-service.ts';

besideServiceTest(pgliteEngine);
