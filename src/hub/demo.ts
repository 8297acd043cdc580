import { demoRequests, demoResources } from '../catalog/demo-data.ts';
import { publishResource } from '../catalog/service.ts';
import { decideRequest, submitRequest, type SharingPolicy } from '../catalog/sharing.service.ts';
import { createAccount, listAccounts, presetSecondFactor } from '../identity/service.ts';
import { seedDemoCases } from '../cases/demo-data.ts';
import { seedServiceItems } from '../onestop/demo-data.ts';
import { type Actor, systemActor, type StaffRole } from '../platform/access.ts';
import { chinaDate, loadCalendar } from '../platform/calendar.ts';
import { demoCity, demoDepartments, demoDivisions } from '../registry/demo-data.ts';
import { addContact, addDivision, addSystem, createDepartment, getInstance, setUpInstance } from '../registry/service.ts';
import type { HubDatabase } from './database.ts';

/**
 * The demo's fixed accounts, listed in the README so anyone can try every face at once. Never
 * seed these into a real city's hub.
 */
export const DEMO_PASSWORD = 'Dalian-2026';
/** The authenticator key of the demo administrators (base32), so the console can be tried. */
export const DEMO_TOTP_SECRET = 'EGOVDEMOADMINTOTPSECRETDALIAN234';

export interface DemoAccount {
  username: string;
  displayName: string;
  department: string;
  roles: StaffRole[];
}

export const demoAccounts: DemoAccount[] = [
  { username: 'admin', displayName: '王海涛', department: 'data', roles: ['platform_admin'] },
  { username: 'ops', displayName: '刘晓峰', department: 'data', roles: ['operator'] },
  { username: 'auditor', displayName: '陈静', department: 'audit', roles: ['auditor'] },
  { username: 'psb-admin', displayName: '赵建国', department: 'psb', roles: ['dept_admin'] },
  { username: 'psb-clerk', displayName: '孙丽', department: 'psb', roles: ['clerk'] },
  { username: 'psb-reviewer', displayName: '钱志强', department: 'psb', roles: ['reviewer'] },
  { username: 'amr-reviewer', displayName: '周明', department: 'amr', roles: ['reviewer'] },
  { username: 'amr-clerk', displayName: '吴芳', department: 'amr', roles: ['clerk'] },
  { username: 'hrss-clerk', displayName: '郑伟', department: 'hrss', roles: ['clerk', 'reviewer'] },
];

/** Fills an empty hub with Dalian's divisions, departments, systems, contacts and the demo accounts. Does nothing when already seeded. */
export async function seedDemo(database: HubDatabase): Promise<{ seeded: boolean }> {
  if (await getInstance(database)) {
    // A demo hub seeded before the service items existed gets them now; otherwise this does nothing.
    await seedServiceItems(database);
    await seedDemoCases(database);
    return { seeded: false };
  }
  const actor = systemActor('demo');
  const city = demoDivisions.find((d) => d.parent === null)!;
  await addDivision(database, actor, { code: city.code, kind: city.kind, parent: null, nameZh: city.nameZh, nameEn: city.nameEn });
  await setUpInstance(database, actor, { code: demoCity.instance, nameZh: demoCity.nameZh, nameEn: demoCity.nameEn, division: demoCity.division });
  for (const d of demoDivisions.filter((d) => d.parent !== null)) {
    await addDivision(database, actor, { code: d.code, kind: d.kind, parent: d.parent, nameZh: d.nameZh, nameEn: d.nameEn });
  }
  const codeOf = new Map(demoDepartments.map((d) => [d.key, d.uscc]));
  // Parents first, so every department's parent exists when it is registered.
  const ordered = [...demoDepartments].sort((a, b) => Number(a.parentKey !== null) - Number(b.parentKey !== null));
  for (const d of ordered) {
    await createDepartment(database, actor, {
      code: d.uscc, slug: d.key, kind: d.kind, division: d.division, parent: d.parentKey ? codeOf.get(d.parentKey)! : null,
      nameZh: d.nameZh, nameEn: d.nameEn,
    });
    for (const s of d.systems) await addSystem(database, actor, d.uscc, s);
    await addContact(database, actor, d.uscc, { role: 'primary', ...d.contact });
  }
  await Promise.all(demoAccounts.map((a) => createAccount(database, actor, {
    username: a.username, displayName: a.displayName, department: codeOf.get(a.department)!, roles: a.roles, password: DEMO_PASSWORD,
  })));
  for (const account of await listAccounts(database, actor)) {
    if (account.roles.includes('platform_admin') || account.roles.includes('dept_admin')) {
      await presetSecondFactor(database, actor, account.id, DEMO_TOTP_SECRET);
    }
  }
  await seedCatalog(database, codeOf);
  await seedServiceItems(database);
  await seedDemoCases(database);
  return { seeded: true };
}

/** Dalian's information resources, and a few sharing requests in every state, so the workbench is not empty. */
async function seedCatalog(database: HubDatabase, codeOf: ReadonlyMap<string, string>): Promise<void> {
  const code = (key: string) => {
    const found = codeOf.get(key);
    if (!found) throw new Error(`the demo catalog names an unknown department ${key}`);
    return found;
  };
  const publisher = systemActor('demo');
  for (const r of demoResources) await publishResource(database, publisher, { ...r, provider: code(r.provider) });

  const policy: SharingPolicy = { calendar: loadCalendar(), replyDays: 10 };
  const staff = (department: string, role: StaffRole): Actor => ({ actor: 'system:demo', kind: 'system', department, roles: [role], requestId: null });
  const today = chinaDate(new Date());
  for (const r of demoRequests) {
    const request = await submitRequest(database, policy, staff(code(r.consumer), 'clerk'), {
      resource: r.resource, consumerSystem: r.system, items: r.items, purpose: r.purpose, legalBasis: r.legalBasis,
      ...(r.business ? { business: r.business } : {}), periodFrom: today, periodUntil: yearsAfter(today, r.years),
    });
    if (r.decisions.length) await decideRequest(database, policy, staff(request.provider, 'reviewer'), request.id, { items: r.decisions });
  }
}

/** The same day `years` later (28 February for 29 February). */
function yearsAfter(isoDate: string, years: number): string {
  const day = new Date(`${isoDate}T00:00:00Z`);
  day.setUTCFullYear(day.getUTCFullYear() + years);
  if (day.getUTCDate() !== Number(isoDate.slice(8, 10))) day.setUTCDate(0);
  return day.toISOString().slice(0, 10);
}
