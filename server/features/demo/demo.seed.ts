import type { Knex } from 'knex';
import type { Role } from '../../platform/http/context.js';
import { hashPassword } from '../auth/index.js';

/** Password of every demo account (README lists them). */
export const DEMO_PASSWORD = 'okno-demo-2026';

export interface DemoAccount {
  login: string;
  fullName: string;
  roles: Role[];
  employee?: { unit: string; position: string; salary: number; maxBonus: number; groups: string[]; window?: string };
}

const UNITS: {
  code: string;
  name: string;
  shortName: string;
  kind: 'department' | 'division' | 'office';
  parent?: string;
  address?: string;
}[] = [
  {
    code: 'dep-arch',
    name: 'Департамент архитектуры, строительства и землепользования',
    shortName: 'ДАСиЗ',
    kind: 'department',
  },
  {
    code: 'dep-arch-permits',
    name: 'Отдел разрешений на строительство и рекламу',
    shortName: 'Отдел разрешений',
    kind: 'division',
    parent: 'dep-arch',
  },
  { code: 'dep-property', name: 'Департамент муниципальной собственности', shortName: 'ДМС', kind: 'department' },
  { code: 'dep-housing', name: 'Жилищное управление', shortName: 'ЖУ', kind: 'department' },
  {
    code: 'dep-housing-accounting',
    name: 'Отдел учета',
    shortName: 'Отдел учета',
    kind: 'division',
    parent: 'dep-housing',
  },
  {
    code: 'dep-housing-subsidies',
    name: 'Отдел субсидий',
    shortName: 'Отдел субсидий',
    kind: 'division',
    parent: 'dep-housing',
  },
  { code: 'dep-it', name: 'Управление информационных технологий', shortName: 'УИТ', kind: 'department' },
  {
    code: 'mfc-central',
    name: 'МФЦ «Центральный»',
    shortName: 'МФЦ Центральный',
    kind: 'office',
    address: 'ул. Ленина, 1',
  },
];

const GROUPS: { code: string; name: string; unit: string }[] = [
  { code: 'mfc-operators', name: 'Операторы МФЦ', unit: 'mfc-central' },
  { code: 'arch-permits', name: 'Специалисты по разрешениям', unit: 'dep-arch-permits' },
  { code: 'property-specialists', name: 'Специалисты по имуществу', unit: 'dep-property' },
  { code: 'housing-accounting', name: 'Специалисты отдела учета', unit: 'dep-housing-accounting' },
  { code: 'housing-subsidies', name: 'Специалисты отдела субсидий', unit: 'dep-housing-subsidies' },
  { code: 'housing-managers', name: 'Руководство жилищного управления', unit: 'dep-housing' },
];

export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    login: 'admin@okno.local',
    fullName: 'Соколова Анна Викторовна',
    roles: ['admin'],
    employee: {
      unit: 'dep-it',
      position: 'Начальник управления информационных технологий',
      salary: 95000,
      maxBonus: 1.5,
      groups: [],
    },
  },
  {
    login: 'analyst@okno.local',
    fullName: 'Морозов Дмитрий Сергеевич',
    roles: ['analyst'],
    employee: { unit: 'dep-it', position: 'Методист по регламентам', salary: 70000, maxBonus: 1, groups: [] },
  },
  {
    login: 'operator@okno.local',
    fullName: 'Кузнецова Елена Игоревна',
    roles: ['operator'],
    employee: {
      unit: 'mfc-central',
      position: 'Специалист МФЦ',
      salary: 48000,
      maxBonus: 1,
      groups: ['mfc-operators'],
      window: '1',
    },
  },
  {
    login: 'operator2@okno.local',
    fullName: 'Волков Павел Андреевич',
    roles: ['operator'],
    employee: {
      unit: 'mfc-central',
      position: 'Специалист МФЦ',
      salary: 48000,
      maxBonus: 1,
      groups: ['mfc-operators'],
      window: '2',
    },
  },
  {
    login: 'specialist@okno.local',
    fullName: 'Лебедева Ольга Николаевна',
    roles: ['specialist'],
    employee: {
      unit: 'dep-housing-accounting',
      position: 'Главный специалист отдела учета',
      salary: 55000,
      maxBonus: 1.2,
      groups: ['housing-accounting'],
    },
  },
  {
    login: 'specialist2@okno.local',
    fullName: 'Смирнов Алексей Петрович',
    roles: ['specialist'],
    employee: {
      unit: 'dep-arch-permits',
      position: 'Ведущий специалист отдела разрешений',
      salary: 57000,
      maxBonus: 1.2,
      groups: ['arch-permits'],
    },
  },
  {
    login: 'manager@okno.local',
    fullName: 'Орлов Игорь Владимирович',
    roles: ['manager', 'specialist'],
    employee: {
      unit: 'dep-housing',
      position: 'Начальник жилищного управления',
      salary: 110000,
      maxBonus: 2,
      groups: ['housing-managers'],
    },
  },
  { login: 'citizen@okno.local', fullName: 'Петров Иван Сергеевич', roles: ['citizen'] },
];

/** Seeds the demo city administration once (first start on an empty database); returns true if it did. */
export async function seedDemo(knex: Knex): Promise<boolean> {
  const hashes = await Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(DEMO_PASSWORD)));
  return knex.transaction(async (trx) => {
    // Serialise concurrent first starts; re-check inside the lock.
    await trx.raw('LOCK TABLE org_units IN EXCLUSIVE MODE');
    const existing = await trx('org_units').where({ code: 'dep-arch' }).first('id');
    if (existing) return false;

    const unitIds = new Map<string, number>();
    for (const u of UNITS) {
      const [row] = await trx('org_units')
        .insert({
          code: u.code,
          name: u.name,
          shortName: u.shortName,
          kind: u.kind,
          parentId: u.parent ? unitIds.get(u.parent) : null,
          address: u.address ?? null,
        })
        .returning('id');
      unitIds.set(u.code, (row as { id: number }).id);
    }
    const groupIds = new Map<string, number>();
    for (const g of GROUPS) {
      const [row] = await trx('staff_groups')
        .insert({ code: g.code, name: g.name, unitId: unitIds.get(g.unit) })
        .returning('id');
      groupIds.set(g.code, (row as { id: number }).id);
    }
    const office = unitIds.get('mfc-central')!;
    const windowIds = new Map<string, number>();
    for (const n of ['1', '2', '3', '4']) {
      const [row] = await trx('windows')
        .insert({ officeId: office, number: n, name: `Окно ${n}` })
        .returning('id');
      windowIds.set(n, (row as { id: number }).id);
    }
    let personnel = 1000;
    for (const [i, a] of DEMO_ACCOUNTS.entries()) {
      let employeeId: number | null = null;
      if (a.employee) {
        const [row] = await trx('employees')
          .insert({
            personnelNumber: String(++personnel),
            fullName: a.fullName,
            position: a.employee.position,
            unitId: unitIds.get(a.employee.unit)!,
            salary: a.employee.salary,
            maxBonusSalaries: a.employee.maxBonus,
            email: a.login,
            hiredOn: '2024-02-01',
          })
          .returning('id');
        employeeId = (row as { id: number }).id;
        for (const g of a.employee.groups)
          await trx('staff_group_members').insert({ groupId: groupIds.get(g)!, employeeId });
        if (a.employee.window)
          await trx('windows')
            .where({ id: windowIds.get(a.employee.window) })
            .update({ employeeId });
      }
      await trx('users').insert({
        email: a.login,
        fullName: a.fullName,
        roles: a.roles,
        passwordHash: hashes[i],
        employeeId,
        locale: 'ru',
      });
    }
    return true;
  });
}
