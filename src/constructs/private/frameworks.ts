import * as fs from 'fs';
import * as path from 'path';
import { KeylessError } from '../../core/errors';

/**
 * The frameworks each entry point renders with. Every one but `constructs` is an optional peer dependency: a team
 * installs only what its targets need (an AWS-only team aws-cdk-lib and constructs).
 */
const FRAMEWORKS = {
  aws: ['aws-cdk-lib', 'constructs'],
  gcp: ['cdktf', '@cdktf/provider-google', 'constructs'],
  azure: ['cdktf', '@cdktf/provider-azurerm', 'constructs'],
  k8s: ['cdk8s', 'constructs'],
  templates: ['aws-cdk-lib', 'cdktf', '@cdktf/provider-google', '@cdktf/provider-azurerm', 'cdk8s', 'constructs'],
} as const;

/** An entry point that renders with frameworks: `@keyless/constructs/NAME`, and the root's `NAME` namespace. */
export type FrameworkEntry = keyof typeof FRAMEWORKS;

function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') return false;
    throw error;
  }
}

/** The version ranges this package declares for its peers (read only to word an error). */
function peerRanges(): Record<string, string> {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    return manifest.peerDependencies ?? {};
  } catch {
    return {};
  }
}

/** `a`, `a and b`, `a, b and c`. */
function list(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Refuses to load an entry point whose frameworks are not installed, with a Keyless error naming the packages to
 * install, rather than Node's "Cannot find module" from deep inside the entry point. Called first by each entry
 * point's index (before any module that imports a framework).
 */
export function requireFrameworks(entry: FrameworkEntry): void {
  const needed: readonly string[] = FRAMEWORKS[entry];
  const missing = needed.filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  const ranges = peerRanges();
  const install = missing.map((pkg) => (ranges[pkg] ? `${pkg}@${ranges[pkg]}` : pkg)).join(' ');
  const one = missing.length === 1;
  const frameworks = needed.filter((pkg) => pkg !== 'constructs' || missing.includes(pkg));
  const which = missing.length === frameworks.length ? `, which ${one ? 'is' : 'are'} not installed` : `; ${list(missing)} ${one ? 'is' : 'are'} not installed`;
  throw new KeylessError({
    code: 'KL-FRAMEWORK-MISSING',
    path: '@keyless/constructs',
    prop: entry,
    problem: `renders with ${list(frameworks)}${which} (${one ? 'a peer dependency' : 'peer dependencies'} of @keyless/constructs, which npm installs only when asked)`,
    fix: `\`npm i ${install}\` next to @keyless/constructs, or import only the entry points of the frameworks you use (e.g. \`@keyless/constructs/aws\`)`,
  });
}
