import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { requireActor } from '../identity/request-auth.ts';
import type { HttpApp } from '../platform/http.ts';
import { registryPageRoutes } from './pages/routes.tsx';
import { Contact, ContactInput, Department, DepartmentInput, DepartmentPatch, DepartmentSystem, Division, Instance, SystemInput } from './schema.ts';
import * as registry from './service.ts';

const tags = ['registry'];
const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
const CodeParams = Type.Object({ code: Type.String({ description: 'unified social credit code of the department' }) });

/** The registry of the one network: the city instance, divisions, departments, their systems and contacts. */
export async function registryRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;

  app.get('/api/v1/instance', {
    schema: { tags, summary: 'The city instance this hub serves', response: { 200: Instance } },
  }, async () => {
    const instance = await registry.getInstance(db);
    return instance ?? { code: '', nameZh: '', nameEn: '', division: '' };
  });

  app.get('/api/v1/divisions', {
    schema: { tags, security, summary: 'Administrative divisions (GB/T 2260)', response: { 200: Type.Array(Division) } },
  }, async (request) => {
    requireActor(request);
    return registry.listDivisions(db);
  });

  app.post('/api/v1/divisions', {
    schema: { tags, security, summary: 'Add a division (platform administrator)', body: Division, response: { 201: Division } },
  }, async (request, reply) => {
    return reply.status(201).send(await registry.addDivision(db, requireActor(request), request.body));
  });

  app.get('/api/v1/departments', {
    schema: {
      tags, security, summary: 'Departments, filtered',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the Chinese or English name, the short name, or the exact code' })),
        parent: Type.Optional(Type.String()),
        division: Type.Optional(Type.String()),
      }),
      response: { 200: Type.Array(Department) },
    },
  }, async (request) => {
    requireActor(request);
    return registry.listDepartments(db, request.query);
  });

  app.post('/api/v1/departments', {
    schema: { tags, security, summary: 'Register a department (platform administrator)', body: DepartmentInput, response: { 201: Department } },
  }, async (request, reply) => {
    return reply.status(201).send(await registry.createDepartment(db, requireActor(request), request.body));
  });

  app.get('/api/v1/departments/:code', {
    schema: { tags, security, summary: 'One department', params: CodeParams, response: { 200: Department } },
  }, async (request) => {
    requireActor(request);
    return registry.getDepartment(db, request.params.code);
  });

  app.patch('/api/v1/departments/:code', {
    schema: { tags, security, summary: 'Change a department (names: its administrator; placement: platform administrator)', params: CodeParams, body: DepartmentPatch, response: { 200: Department } },
  }, async (request) => registry.updateDepartment(db, requireActor(request), request.params.code, request.body));

  app.get('/api/v1/departments/:code/systems', {
    schema: { tags, security, summary: 'Information systems of a department', params: CodeParams, response: { 200: Type.Array(DepartmentSystem) } },
  }, async (request) => {
    requireActor(request);
    return registry.listSystems(db, request.params.code);
  });

  app.post('/api/v1/departments/:code/systems', {
    schema: { tags, security, summary: 'Register an information system (department administrator)', params: CodeParams, body: SystemInput, response: { 201: DepartmentSystem } },
  }, async (request, reply) => {
    return reply.status(201).send(await registry.addSystem(db, requireActor(request), request.params.code, request.body));
  });

  app.get('/api/v1/departments/:code/contacts', {
    schema: { tags, security, summary: 'Contacts of a department', params: CodeParams, response: { 200: Type.Array(Contact) } },
  }, async (request) => {
    requireActor(request);
    return registry.listContacts(db, request.params.code);
  });

  app.post('/api/v1/departments/:code/contacts', {
    schema: { tags, security, summary: 'Add a contact (department administrator)', params: CodeParams, body: ContactInput, response: { 201: Contact } },
  }, async (request, reply) => {
    return reply.status(201).send(await registry.addContact(db, requireActor(request), request.params.code, request.body));
  });

  app.delete('/api/v1/departments/:code/contacts/:id', {
    schema: { tags, security, summary: 'Remove a contact (department administrator)', params: Type.Object({ code: Type.String(), id: Type.String() }) },
  }, async (request, reply) => {
    await registry.removeContact(db, requireActor(request), request.params.code, request.params.id);
    return reply.status(204).send();
  });

  await registryPageRoutes(app, hub);
}
