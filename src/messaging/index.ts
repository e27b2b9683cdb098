export type { Channel, ChannelOutcome, Envelope } from './channels/channel.ts';
export { INBOUND_PATH, STATUS_CALLBACK_PATH } from './channels/twilio.ts';
export type { OutgoingWebhookPayload } from './channels/webhook.ts';
export {
  InboundInput,
  Messaging,
  MessagingInputError,
  type MessagingOptions,
  type ReceiveResult,
} from './messaging.ts';
export { MessagingConfigError, type MessagingSettings, messagingSettings } from './settings.ts';
export type * from './types.ts';
export type { InboundView, MessageView, OutboundView } from './views.ts';
