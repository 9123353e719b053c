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

/** Work refused because too much of its kind is already waiting: the user is asked to try again shortly. */
export class BusyError extends Error {
  constructor(message = 'Too busy: try again shortly') {
    super(message);
  }
}
