import { IConstruct } from 'constructs';
import { checkCanonicalText, isCanonicalText, terraformLiteral } from '../../core/literal';

/**
 * Every literal string of a Terraform resource configuration, escaped so that Terraform reads exactly the value
 * Keyless validated (`${` → `$${`, `%{` → `%%{`; see `core/literal`). The one place Keyless escapes Terraform
 * strings: every cdktf resource Keyless creates takes its configuration through this function.
 *
 * Plain objects and arrays are walked; strings are escaped (cdktf token markers are kept, for cdktf to resolve
 * into references); anything else (resources in `dependsOn`, resolvables, numbers, booleans) is kept as is. A string
 * Terraform would rewrite (not NFC, unpaired surrogates) is refused: validation upstream refuses it with the user's
 * prop name, and this is the backstop for every other string.
 *
 * @param scope the construct that creates the resource (its path is named in errors)
 */
export function terraformConfig<T>(scope: IConstruct, config: T): T {
  return escape(config, scope, 'config') as T;
}

function escape(value: unknown, scope: IConstruct, path: string): unknown {
  if (typeof value === 'string') {
    // The construct path is computed only for the error: this runs for every string of every resource.
    if (!isCanonicalText(value)) checkCanonicalText(value, { path: scope.node.path, today: '' }, path, 'a value Keyless renders into Terraform');
    return terraformLiteral(value);
  }
  if (Array.isArray(value)) return value.map((item, i) => escape(item, scope, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // Map keys Keyless renders are fixed names (attribute mappings, tags, labels), never user text.
      if (/[$%]\{/.test(key)) throw new Error(`Keyless internal error: Terraform map key ${JSON.stringify(key)} at ${path} would be evaluated as a template`);
      result[key] = escape(item, scope, `${path}.${key}`);
    }
    return result;
  }
  return value;
}
