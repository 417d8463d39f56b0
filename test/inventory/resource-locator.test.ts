/**
 * resourceLocator (src/inventory/sarif.ts) indexes a file once for the SARIF locations of a large diff or verify; it
 * must answer exactly what the per-resource search it replaced answered (kept here as the oracle): the first line with
 * `"NAME":`, else the first `name: NAME` line.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { locateResource, resourceLocator } from '../../src/inventory/sarif';
import { synthesizedExamples } from '../helpers/examples';

/** The search of every resource on its own, as locateResource did before the index. */
function oracle(content: string, resource: string): number | undefined {
  const name = resource.includes('/') ? resource.slice(resource.lastIndexOf('/') + 1) : resource.includes('.') ? resource.slice(resource.indexOf('.') + 1) : resource;
  const lines = content.split('\n');
  const key = lines.findIndex((l) => l.includes(`"${name}":`));
  if (key >= 0) return key + 1;
  const yaml = lines.findIndex((l) => /^\s*name:\s*/.test(l) && l.replace(/^\s*name:\s*/, '').trim().replace(/^["']|["']$/g, '') === name);
  return yaml >= 0 ? yaml + 1 : undefined;
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('resourceLocator', () => {
  test('over every file the examples write, every name in it locates as the per-resource search does', () => {
    let located = 0;
    for (const file of files(synthesizedExamples()).filter((f) => /\.(json|ya?ml)$/.test(f))) {
      const content = fs.readFileSync(file, 'utf8');
      const locate = resourceLocator(content);
      // Every JSON key and `name:` value of the file, with prefixes as resources carry them, and names it does not hold.
      const names = [...new Set([...content.matchAll(/"([^"\n]*)":/g)].map((m) => m[1]).concat([...content.matchAll(/name: *(\S+)/g)].map((m) => m[1])))];
      for (const name of [...names.slice(0, 400), 'not-in-any-file', '']) {
        for (const resource of [name, `ns/${name}`, `aws_iam_role.${name}`]) {
          expect([file, resource, locate(resource)]).toEqual([file, resource, oracle(content, resource)]);
          if (locate(resource) !== undefined) located += 1;
        }
      }
    }
    expect(located).toBeGreaterThan(1000);
  });

  test('texts made of keys, quotes, escapes and line breaks locate as the per-resource search does', () => {
    const piece = fc.constantFrom('"a":', '"b": 1', '"a\\"b":', '\\"a":', '"":', '"a b":', '""a":', '"\n"a":', '\n', '  name: a', 'name: "b"', 'name: \'a"', ' ', '"', ':', 'a', '{', ',');
    const resource = fc.constantFrom('a', 'b', 'a b', 'a"b', 'a\\"b', '', 'x/a', 'x.a', 'x.a.b', '"a', 'a\nb', '\n');
    fc.assert(fc.property(fc.array(piece, { maxLength: 24 }), fc.array(resource, { minLength: 1, maxLength: 4 }), (pieces, resources) => {
      const content = pieces.join('');
      const locate = resourceLocator(content);
      for (const r of resources) {
        expect([content, r, locate(r)]).toEqual([content, r, oracle(content, r)]);
        expect(locateResource(content, r)).toBe(oracle(content, r));
      }
    }), { seed: 30, numRuns: 5000 });
  });
});
