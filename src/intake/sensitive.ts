import { IntakeRequestError } from './errors.ts';

const SSN_KEY = /ssn|social.?security/i;
// Also catches the number typed into a free-text field ("notes": "SSN 123-45-6789").
const SSN_VALUE = /(^|[^\d])\d{3}-\d{2}-\d{4}([^\d]|$)/;

/**
 * Refuses any request that carries a Social Security number, by field name or by shape, before anything
 * is stored or sent (the system we replace forwarded them to WellSky, original-system D-31). The error
 * names where it was found, never the value.
 */
export function refuseSocialSecurityNumbers(body: unknown, path = ''): void {
  if (typeof body === 'string') {
    if (SSN_VALUE.test(body)) {
      throw new IntakeRequestError(
        `${path || 'body'}: holds something shaped like a Social Security number (###-##-####); Skybridge never stores or sends one — remove it and send again`,
        path || 'body',
      );
    }
    return;
  }
  if (Array.isArray(body)) {
    for (const [index, value] of body.entries()) refuseSocialSecurityNumbers(value, `${path}[${index}]`);
    return;
  }
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) {
      const where = path ? `${path}.${key}` : key;
      if (SSN_KEY.test(key)) {
        throw new IntakeRequestError(
          `${where}: Social Security numbers are refused — Skybridge never stores or sends one to WellSky; leave the field out (the office records it in WellSky by hand if needed)`,
          where,
        );
      }
      refuseSocialSecurityNumbers(value, where);
    }
  }
}
