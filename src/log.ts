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
  const line = oneLine(message);
  return level === 'info' ? `runsecrets: ${line}\n` : `runsecrets: ${level}: ${line}\n`;
}

/**
 * A message as one line: control characters (a newline in a secret's file name, an
 * escape sequence) written as escapes, so that no name can end a record early or forge a
 * `runsecrets:` line, and a terminal shows what is there. JSON lines escape them anyway.
 */
export function oneLine(text: string): string {
  return text.replace(CONTROL, (char) => NAMED_ESCAPES[char] ?? `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function formatJson(level: LogLevel, message: string, fields: Fields = {}): string {
  return `${JSON.stringify({ level, source: 'runsecrets', msg: message, ...fields })}\n`;
}
