import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { SkybridgeApp } from '../../runtime/app.ts';
import { AuditLog } from '../../service/audit.ts';
import { createMcpServer } from '../../service/mcp/index.ts';
import { choiceOption, untilSignal } from '../options.ts';

/**
 * `skybridge mcp`: the MCP server on stdin/stdout for an assistant that launches it (Claude Desktop and
 * the like). stdout is the protocol, so everything a person should read goes to stderr.
 */
export function mcpCommand(program: Command) {
  program
    .command('mcp')
    .description('serve the MCP tools on stdin/stdout (a simulated demo agency when no WellSky credentials)')
    .option(
      '--scope <scope>',
      'read (no writes) or write',
      choiceOption('--scope', ['read', 'write'] as const),
      'write',
    )
    .action(async (flags: { scope: 'read' | 'write' }) => {
      // Anything printed to stdout would corrupt the protocol stream: send stray logs to stderr.
      console.log = console.error;
      console.info = console.error;
      const app = await SkybridgeApp.create({ env: process.env });
      if (app.mode === 'simulated') {
        console.error(
          'skybridge mcp: no WellSky credentials (WELLSKY_CLIENT_ID, WELLSKY_CLIENT_SECRET): serving a SIMULATED WellSky with a demo agency',
        );
      }
      const ready = app.start({ onStep: (step) => console.error(`skybridge mcp: ${step}`) });
      ready.catch((error: unknown) =>
        console.error(
          `skybridge mcp: start failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      // Audited like the service's tool calls; a local stdio connection has no key to name (null).
      const audit = { log: new AuditLog(app.store), keyId: null };
      const server = createMcpServer(app, { scope: flags.scope, ready, audit });
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => {
        transport.onclose = resolve;
        process.stdin.on('end', resolve);
      });
      await server.connect(transport);
      console.error(`skybridge mcp: serving on stdio (${flags.scope} scope)`);
      await Promise.race([closed, untilSignal()]);
      await ready.catch(() => undefined);
      await server.close();
      await app.close();
    });
}
