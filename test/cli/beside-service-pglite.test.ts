import { pgliteEngine } from '../helpers/stores.ts';
import { besideServiceTest, refusedTest } from './beside-service.ts';

besideServiceTest(pgliteEngine);
refusedTest();
