/** Errors a service throws for the web layer to turn into the right page. */
export class NotAllowedError extends Error {
  constructor(message = 'You do not have permission to do that') {
    super(message);
  }
}

export class NotFoundError extends Error {
  constructor(message = 'Not found') {
    super(message);
  }
}
