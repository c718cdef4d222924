import { describe, expect, it } from 'vitest';
import { checks, helpText, parseCommandArgs, UsageError, usageLine } from './command.ts';

const spec = {
  name: 'pnpm demo',
  summary: 'does a demo',
  options: {
    port: {
      type: 'string',
      description: 'where to listen',
      default: '8888',
      valueName: '<port>',
      check: checks.integer(1, 65535),
    },
    verbose: { type: 'boolean', description: 'say more', default: false },
  },
  positionals: [{ name: 'url', description: 'what to call', required: true, check: checks.httpUrl }],
  examples: ['pnpm demo http://localhost:8888 --port 9000'],
  exitCodes: { 1: 'the demo failed' },
} as const;

describe('parseCommandArgs', () => {
  it('should parse options with their defaults and positionals', () => {
    expect(parseCommandArgs(spec, ['http://x'])).toEqual({
      values: { port: '8888', verbose: false },
      positionals: ['http://x'],
    });
  });

  it('should return undefined for --help and -h', () => {
    expect(parseCommandArgs(spec, ['--help'])).toBeUndefined();
    expect(parseCommandArgs(spec, ['-h'])).toBeUndefined();
  });

  it.each([
    [['http://x', '--no-such-option'], /Unknown option '--no-such-option'$/],
    [['http://x', '--port'], /--port <value>' argument missing/],
    [['http://x', '--port', 'abc'], /^--port must be a whole number from 1 to 65535$/],
    [['http://x', '--verbose=yes'], /--verbose' does not take an argument/],
    [[], /^Missing <url>$/],
    [['http://a', 'b'], /^Unexpected argument 'b'$/],
    [['ftp://x'], /^<url> must be an http\(s\) URL$/],
  ])('should refuse %j in one line naming the problem', (args, message) => {
    expect(() => parseCommandArgs(spec, args)).toThrow(UsageError);
    try {
      parseCommandArgs(spec, args);
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('helpText', () => {
  it('should name every option with its default, the examples and the exit codes', () => {
    const text = helpText(spec);
    expect(text).toContain('pnpm demo: does a demo');
    expect(text).toContain(usageLine(spec));
    expect(text).toMatch(/--port <port>\s+where to listen \(default: 8888\)/);
    expect(text).toMatch(/--verbose\s+say more/);
    expect(text).toContain('pnpm demo http://localhost:8888 --port 9000');
    expect(text).toMatch(/1 {2}the demo failed/);
    expect(text).toMatch(/2 {2}usage error/);
  });
});
