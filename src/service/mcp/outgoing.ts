import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { printableText } from '../../lib/printable.ts';

/**
 * The SDK writes some errors itself, quoting what the caller sent ("Tool x‮y not found", an unknown
 * argument's name), raw: a bidi override or a terminal escape would act on the text an assistant or a
 * person reads. Every error leaving this transport, as a JSON-RPC error or a tool result marked isError,
 * has such characters escaped (`\u202e`); our own tools' messages already are.
 */
export function escapingErrors<T extends Transport>(transport: T): T {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(withPrintableErrors(message), options);
  return transport;
}

function withPrintableErrors(message: JSONRPCMessage): JSONRPCMessage {
  if ('error' in message && message.error) {
    return { ...message, error: { ...message.error, message: printableText(message.error.message) } };
  }
  if ('result' in message && message.result.isError === true && Array.isArray(message.result.content)) {
    const content = message.result.content.map((item: unknown) =>
      item && typeof item === 'object' && (item as { type?: unknown }).type === 'text'
        ? { ...item, text: printableText(String((item as { text?: unknown }).text ?? '')) }
        : item,
    );
    return { ...message, result: { ...message.result, content } };
  }
  return message;
}
