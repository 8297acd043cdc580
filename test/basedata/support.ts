import assert from 'node:assert/strict';
import { demoResources } from '../../src/catalog/demo-data.ts';
import type { RecordItem } from '../../src/basedata/records.ts';

/** The items the catalog lists for a resource (PSB-0001, PSB-0002, AMR-0001…). */
export function catalogItems(resourceCode: string): { name: string; dataType: string }[] {
  const resource = demoResources.find((r) => r.code === resourceCode);
  assert.ok(resource, `the catalog has ${resourceCode}`);
  return resource.items.map((i) => ({ name: i.name, dataType: i.dataType }));
}

/**
 * A record served for a catalog resource: exactly the catalog's item names, in its order, each
 * value of the item's data type (null only where the backend's own definition allows it).
 */
export function assertCatalogRecord(record: Record<string, unknown>, resourceCode: string, own: readonly RecordItem[]): void {
  const items = catalogItems(resourceCode);
  assert.deepEqual(Object.keys(record), items.map((i) => i.name), `${resourceCode} item names`);
  for (const item of items) {
    const value = record[item.name];
    const nullable = own.find((i) => i.name === item.name)?.nullable ?? false;
    if (value === null) {
      assert.ok(nullable, `${resourceCode}.${item.name} is null but not nullable`);
      continue;
    }
    switch (item.dataType) {
      case 'string': case 'code': assert.equal(typeof value, 'string', item.name); break;
      case 'date': assert.match(String(value), /^\d{4}-\d{2}-\d{2}$/, item.name); assert.equal(typeof value, 'string'); break;
      case 'number': assert.equal(typeof value, 'number', item.name); break;
      case 'integer': assert.ok(Number.isInteger(value), item.name); break;
      case 'boolean': assert.equal(typeof value, 'boolean', item.name); break;
      default: assert.fail(`${item.name}: unexpected data type ${item.dataType}`);
    }
    const codes = own.find((i) => i.name === item.name)?.codes;
    if (codes) assert.ok(Object.hasOwn(codes, String(value)), `${item.name} = ${String(value)} is in its code list`);
  }
}
