import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * PGlite runs each statement synchronously inside the call and answers through promises alone, with no
 * I/O in between, so a loop of awaited statements (a sync's upserts, a per-shift check in the watch)
 * never lets the event loop turn: every HTTP request and timer waits for the whole loop — 14 s for one
 * watch tick of a 600-caregiver agency, measured (issue #11, item 6). After each statement this yields
 * one turn of the event loop, so what is waiting runs between the statements of a long loop. One
 * statement is still never interrupted; a long one is the query's to fix.
 */
export class YieldAfterEachStatement implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return args.result;
  }
}
