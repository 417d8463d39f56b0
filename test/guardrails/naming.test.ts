/**
 * One convention names every guardrail rule: id `KL-G-X-Y` ↔ file `src/guardrails/rules/x-y.ts` ↔ export `xY`.
 * Ids never change (exception files name them); files and exports follow the ids.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as guardrails from '../../src/guardrails';
import { ALL_RULES } from '../../src/guardrails';

const RULES_DIR = path.join(__dirname, '..', '..', 'src', 'guardrails', 'rules');

/** `KL-G-K8S-DEFAULT-SA` → `k8s-default-sa`. */
const fileOf = (id: string): string => id.replace(/^KL-G-/, '').toLowerCase();
/** `KL-G-K8S-DEFAULT-SA` → `k8sDefaultSa`. */
const exportOf = (id: string): string => fileOf(id).split('-').map((part, i) => (i === 0 ? part : `${part[0].toUpperCase()}${part.slice(1)}`)).join('');

describe('rule naming: id ↔ file ↔ export', () => {
  test('the convention itself', () => {
    expect(fileOf('KL-G-FEDERATED-TRUST-UNPINNED')).toBe('federated-trust-unpinned');
    expect(exportOf('KL-G-FEDERATED-TRUST-UNPINNED')).toBe('federatedTrustUnpinned');
    expect(exportOf('KL-G-GCP-PROVIDER-UNPINNED')).toBe('gcpProviderUnpinned');
    expect(exportOf('KL-G-K8S-DEFAULT-SA')).toBe('k8sDefaultSa');
  });

  test.each(ALL_RULES.map((rule) => [rule.id, rule] as const))('%s is defined in its own file and exported under its name', (id, rule) => {
    expect(id).toMatch(/^KL-G-[A-Z0-9]+(-[A-Z0-9]+)*$/);
    const file = path.join(RULES_DIR, `${fileOf(id)}.ts`);
    expect(fs.existsSync(file)).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(file);
    expect(Object.keys(module)).toEqual([exportOf(id)]);
    expect(module[exportOf(id)]).toBe(rule);
    expect((guardrails as Record<string, unknown>)[exportOf(id)]).toBe(rule);
  });

  test('every file of rules/ (but the registry, index.ts and all.ts) is one rule of ALL_RULES', () => {
    const files = fs.readdirSync(RULES_DIR).filter((f) => f !== 'index.ts' && f !== 'all.ts').sort();
    expect(files).toEqual(ALL_RULES.map((rule) => `${fileOf(rule.id)}.ts`).sort());
  });
});
