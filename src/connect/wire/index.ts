// One schema per wire shape, shared by the client (which validates responses) and the simulator (which
// validates requests and types its answers). Nothing else is shared between the two.
export * from './bundle.ts';
export * from './catalog.ts';
export * from './common.ts';
export * from './office.ts';
export * from './people.ts';
export * from './scheduling.ts';
export * from './token.ts';
export * from './writes.ts';
