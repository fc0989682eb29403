/**
 * The one error type services throw. `expose` says whether `message` may be shown to the
 * client; `fields` carries field-level validation messages (i18n keys or plain text).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { expose?: boolean; fields?: FieldErrors; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
  }
  get expose(): boolean {
    return this.options.expose ?? this.status < 500;
  }
  get fields(): FieldErrors | undefined {
    return this.options.fields;
  }
}

/** Field path (e.g. `questions.0.prompt.de`) → message key. */
export type FieldErrors = Record<string, string>;

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string, fields?: FieldErrors) =>
  new AppError(400, 'validation_failed', message, { fields });
export const conflict = (message: string) => new AppError(409, 'conflict', message);
export const gone = (message: string) => new AppError(410, 'gone', message);
export const unavailable = (message: string, cause?: unknown) =>
  new AppError(503, 'unavailable', message, { cause, expose: true });
