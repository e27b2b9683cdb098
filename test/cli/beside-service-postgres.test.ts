import { postgresEngine } from '../helpers/stores.ts';
import { besideServiceTest } from './beside-service.ts';

besideServiceTest(postgresEngine);
