/** A request the intake will not take, with the field at fault and what to do; nothing was stored. */
export class IntakeRequestError extends Error {
  override name = 'IntakeRequestError';
  constructor(
    message: string,
    readonly field: string,
    /** 400: malformed; 409: conflicts with what is stored; 422: well-formed but refused. */
    readonly status: 400 | 404 | 409 | 422 = 422,
  ) {
    super(message);
  }
}

/**
 * WellSky did not give a usable answer now (unreachable, a lost answer, a vendor error). What is
 * recorded is safe: calling again looks for the record before creating anything.
 */
export class IntakeUnavailableError extends Error {
  override name = 'IntakeUnavailableError';
  constructor(message: string) {
    super(message);
  }
}
