import { refusedTest } from './beside-service.ts';

refusedTest();
