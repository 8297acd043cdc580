import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

// The dependency rules of DESIGN.md, checked on every import of the sources.
const SRC = path.resolve('src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const imports = sources(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)].map((m) => ({
    file: path.relative(SRC, file),
    target: path.relative(SRC, path.resolve(path.dirname(file), m[1]!)),
  }));
});

const moduleOf = (p: string) => p.split(path.sep)[0]!;

describe('the source layout', () => {
  it('keeps platform/ free of every other module', () => {
    assert.ok(imports.length > 50, 'the import scan found the imports');
    const bad = imports.filter((i) => moduleOf(i.file) === 'platform' && moduleOf(i.target) !== 'platform');
    assert.deepEqual(bad, []);
  });

  it('lets a module reach another module\'s data only through its service, never its store', () => {
    const bad = imports.filter((i) => /(^|\.)store\.ts$/.test(path.basename(i.target)) && moduleOf(i.file) !== moduleOf(i.target));
    assert.deepEqual(bad, []);
  });

  it('keeps HTTP out of services and stores', () => {
    const bad = sources(SRC)
      .filter((f) => /(service|store)\.ts$/.test(f))
      .filter((f) => /from '(fastify|@fastify\/[^']+)'/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    assert.deepEqual(bad, []);
  });
});
