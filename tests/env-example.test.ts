import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployedContexts, FEATURE_VARIABLE, validateEnv, variableSpecs } from '@app/env';
import { flagNames, flagVariable } from '@app/flags';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { describe, expect, it } from 'vitest';

function exampleVariables(): Map<string, string | undefined> {
  const lines = readFileSync(join(repositoryRoot, '.env.example'), 'utf8').split('\n');
  const variables = new Map<string, string | undefined>();
  lines.forEach((line, index) => {
    const match = /^([A-Z0-9_]+)=/.exec(line);
    if (match?.[1]) variables.set(match[1], lines[index - 1]?.startsWith('# ') ? lines[index - 1] : undefined);
  });
  return variables;
}

function exampleValues(): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readFileSync(join(repositoryRoot, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] && match[2]) values.set(match[1], match[2]);
  }
  return values;
}

describe('.env.example', () => {
  const documented = exampleVariables();
  const schema = Object.entries(variableSpecs)
    .filter(([, spec]) => !('platform' in spec))
    .map(([name]) => name);

  it('should document every variable of the schema', () => {
    expect(schema.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('should document nothing the schema does not read', () => {
    const unknown = [...documented.keys()].filter((name) => !schema.includes(name) && !FEATURE_VARIABLE.test(name));
    expect(unknown).toEqual([]);
  });

  it('should give each variable a one-line comment', () => {
    expect([...documented].filter(([, comment]) => comment === undefined).map(([name]) => name)).toEqual([]);
  });

  it('should document every registered feature flag and no other', () => {
    const registered = flagNames.map(flagVariable);
    expect(registered.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented.keys()].filter((name) => FEATURE_VARIABLE.test(name) && !registered.includes(name))).toEqual(
      [],
    );
  });

  it("should show each variable's declared placeholder, so a deploy can recognise and refuse it", () => {
    const values = exampleValues();
    const declared = Object.entries(variableSpecs).flatMap(([name, spec]) =>
      'example' in spec ? [[name, spec.example] as const] : [],
    );
    expect(declared.length).toBeGreaterThan(0);
    for (const [name, example] of declared) expect(values.get(name), name).toBe(example);
  });

  it.each(deployedContexts)('should fail validation in %s when copied as it is', (context) => {
    const report = validateEnv(Object.fromEntries(exampleValues()), context);
    expect(report.env).toBeUndefined();
    expect(report.errors.map((e) => e.variable)).toEqual(expect.arrayContaining(['API_TOKEN', 'DATABASE_URL']));
  });

  it('should list no platform variable', () => {
    const platform = Object.entries(variableSpecs)
      .filter(([, spec]) => 'platform' in spec)
      .map(([name]) => name);
    expect(platform.filter((name) => documented.has(name))).toEqual([]);
  });
});
