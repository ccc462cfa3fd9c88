// Structured JSON logs. One line per notable thing; never one per scan at info.
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    // secrets travel in these fields of config objects and requests; never print them
    redact: ['codeSecretHex', 'adminToken', 'dcrmSecret', 'authorization', '*.codeSecretHex', '*.adminToken', '*.dcrmSecret'],
  });
}
