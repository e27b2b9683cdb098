export { ConnectClient, type ConnectClientOptions } from './client.ts';
export {
  ConfigError,
  type ConnectConfig,
  loadConnectConfig,
  PRODUCTION_HOST,
  SANDBOX_HOST,
} from './config.ts';
export { ConnectError, type ConnectErrorKind, isConnectError } from './errors.ts';
export { createRateGovernor, type RateGovernor } from './governor.ts';
export { collect, paginate } from './paging.ts';
export { nearestRoute, ROUTES, type RouteName, route } from './routes.ts';
export type { RequestEvent } from './transport.ts';
export { planAppointmentWindows } from './windows.ts';
export * as wire from './wire/index.ts';
