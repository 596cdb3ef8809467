// stderr logging with levels and two formats. Callers pass names, lengths and
// fingerprints only; nothing here ever receives a secret value.

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'text' | 'json';
export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

type Fields = Record<string, string | number | boolean | readonly string[] | undefined>;
type Write = (line: string) => void;

/** The logger every stage receives. */
export interface Logger {
  error(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  debug(message: string, fields?: Fields): void;
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

/** Creates a logger writing whole lines (each ending in "\n") through `write`. */
export function createLogger(level: LogLevel, format: LogFormat, write: Write): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const enabled = (at: LogLevel): boolean => at !== 'silent' && LOG_LEVELS.indexOf(at) <= threshold;
  const emit = (at: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Fields) => {
    if (!enabled(at)) return;
    write(format === 'json' ? formatJson(at, message, fields) : formatText(at, message));
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug'), enabled };
}

function formatText(level: LogLevel, message: string): string {
  return level === 'info' ? `runsecrets: ${message}\n` : `runsecrets: ${level}: ${message}\n`;
}

function formatJson(level: LogLevel, message: string, fields: Fields = {}): string {
  return `${JSON.stringify({ level, source: 'runsecrets', msg: message, ...fields })}\n`;
}
