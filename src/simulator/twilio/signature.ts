import { createHmac } from 'node:crypto';

/**
 * Twilio's request signature, written from its public description (not with the SDK, so the SDK's
 * validation in Skybridge is checked against an independent implementation): base64 of HMAC-SHA1 with
 * the auth token over the full URL followed by each POST parameter, sorted by name, as name + value.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}
