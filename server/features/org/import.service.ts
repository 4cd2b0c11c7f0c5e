import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import { emailSchema } from '../auth/index.js';
import { columnFor, IMPORT_COLUMNS, type ImportColumn } from './import.columns.js';
import { readSheet } from './import.parse.js';
import { CODE_PATTERN, type ImportEntity, type UnitKind } from './org.schemas.js';
import { UnitTree } from './org.tree.js';

/** A problem with one cell (or the header, row 1) of an import file: the API contract's (server/contract/common.ts). */
export type { RowIssue } from '../../contract/common.js';
import type { RowIssue } from '../../contract/common.js';

import type { ImportResult } from '../../contract/org.js';

/** What an import answers is the API contract's (server/contract/org.ts). */
export type { ImportResult };

/** An uploaded file. */
export interface ImportFile {
  buffer: Buffer;
  name: string;
}

const KIND_WORDS: Record<string, UnitKind> = {
  department: 'department',
  департамент: 'department',
  управление: 'department',
  комитет: 'department',
  division: 'division',
  отдел: 'division',
  сектор: 'division',
  office: 'office',
  офис: 'office',
  мфц: 'office',
  цнап: 'office',
};
const TRUE_WORDS = new Set(['да', 'д', 'yes', 'y', 'true', '1', 'так', 'активен', 'активно']);
const FALSE_WORDS = new Set(['нет', 'н', 'no', 'n', 'false', '0', 'ні']);

/** Reads typed values from one row, collecting problems instead of stopping at the first. */
class RowReader {
  constructor(
    readonly row: number,
    private readonly cells: Map<string, string>,
    private readonly headers: Map<string, string>,
    private readonly issues: RowIssue[],
  ) {}
  private errors = 0;

  get ok(): boolean {
    return this.errors === 0;
  }

  fail(field: string, message: string): void {
    this.errors++;
    this.issues.push({ row: this.row, field, column: this.headers.get(field), message });
  }

  /** Text of a cell; undefined when the column is absent or the cell empty. */
  text(key: string, max: number, required = false): string | undefined {
    const v = this.cells.get(key);
    if (v === undefined || v === '') {
      if (required) this.fail(key, 'Required');
      return undefined;
    }
    if (v.length > max) this.fail(key, `At most ${max} characters`);
    return v;
  }

  code(key: string, required = false): string | undefined {
    const v = this.text(key, 64, required)?.toLowerCase();
    if (v !== undefined && !CODE_PATTERN.test(v))
      this.fail(key, 'Use 2 to 64 characters: latin lower-case letters, digits and hyphens');
    return v;
  }

  number(key: string, min: number, max: number): number | undefined {
    const v = this.text(key, 40);
    if (v === undefined) return undefined;
    const n = Number(v.replace(/[\s\u00a0]/g, '').replace(',', '.'));
    if (!Number.isFinite(n) || n < min || n > max) {
      this.fail(key, `Must be a number from ${min} to ${max}`);
      return undefined;
    }
    return n;
  }

  date(key: string): string | undefined {
    const v = this.text(key, 40);
    if (v === undefined) return undefined;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) ?? /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(v);
    const iso = m ? (m[1].length === 4 ? `${m[1]}-${m[2]}-${m[3]}` : `${m[3]}-${m[2]}-${m[1]}`) : '';
    const d = new Date(`${iso}T00:00:00Z`);
    if (!iso || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) {
      this.fail(key, 'Use a date as YYYY-MM-DD or DD.MM.YYYY');
      return undefined;
    }
    return iso;
  }

  bool(key: string): boolean | undefined {
    const v = this.text(key, 20)?.toLowerCase();
    if (v === undefined) return undefined;
    if (TRUE_WORDS.has(v)) return true;
    if (FALSE_WORDS.has(v)) return false;
    this.fail(key, 'Use да/нет (yes/no, true/false, 1/0)');
    return undefined;
  }

  email(key: string): string | undefined {
    const v = this.text(key, 254);
    if (v === undefined) return undefined;
    const r = emailSchema.safeParse(v);
    if (!r.success) this.fail(key, 'Not a valid e-mail address');
    return r.success ? r.data : undefined;
  }
}

/** Drops undefined values, so an empty cell leaves a stored value unchanged. */
function given<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface Outcome {
  created: string[];
  updated: string[];
}

const ENTITY_NAMES: Record<ImportEntity, string> = {
  units: 'org_unit',
  employees: 'employee',
  groups: 'staff_group',
  windows: 'window',
};

/** Imports org units, employees, groups or windows from CSV/XLSX: all rows or none. */
export class ImportService {
  constructor(private readonly knex: Knex) {}

  /** Validates and upserts every row in one transaction; any row error → 400 with `details.rows` and nothing written. */
  async run(entity: ImportEntity, file: ImportFile, opts: { dryRun: boolean }, actor: Actor): Promise<ImportResult> {
    const sheet = await readSheet(file.buffer);
    const issues: RowIssue[] = [];
    const columns = this.mapHeaders(entity, sheet.headers, issues);
    if (!sheet.rows.length && !issues.length)
      issues.push({ row: 1, field: 'file', message: 'The file has no data rows' });
    if (issues.length) throw this.failure(issues);

    const headerOf = new Map([...columns].map(([i, c]) => [c.key, sheet.headers[i]]));
    const readers = sheet.rows.map((r) => {
      const cells = new Map<string, string>();
      for (const [i, c] of columns) cells.set(c.key, (r.cells[i] ?? '').trim());
      return new RowReader(r.row, cells, headerOf, issues);
    });

    const trx = await this.knex.transaction();
    try {
      const outcome = await this[entity](trx, readers);
      if (issues.length) throw this.failure(issues);
      if (opts.dryRun) {
        await trx.rollback();
      } else {
        await audit(trx, actor, {
          action: 'import',
          entity: ENTITY_NAMES[entity],
          after: { file: file.name, rows: readers.length, created: outcome.created, updated: outcome.updated },
        });
        await trx.commit();
      }
      return { created: outcome.created.length, updated: outcome.updated.length, dryRun: opts.dryRun };
    } catch (err) {
      if (!trx.isCompleted()) await trx.rollback();
      throw err;
    }
  }

  private failure(issues: RowIssue[]): AppError {
    issues.sort((a, b) => a.row - b.row);
    const rows = new Set(issues.map((i) => i.row)).size;
    return new AppError(400, 'import_failed', `The file has errors in ${rows} row(s); nothing was imported`, {
      rows: issues,
    });
  }

  /** Matches header cells to columns; unknown, repeated and missing required columns are row-1 problems. */
  private mapHeaders(entity: ImportEntity, headers: string[], issues: RowIssue[]): Map<number, ImportColumn> {
    const map = new Map<number, ImportColumn>();
    const seen = new Set<string>();
    headers.forEach((h, i) => {
      if (!h.trim()) return;
      const c = columnFor(entity, h);
      if (!c)
        issues.push({
          row: 1,
          field: h,
          column: h,
          message: `Unknown column. Expected: ${IMPORT_COLUMNS[entity].map((x) => x.title).join(', ')}`,
        });
      else if (seen.has(c.key)) issues.push({ row: 1, field: c.key, column: h, message: 'The column appears twice' });
      else {
        seen.add(c.key);
        map.set(i, c);
      }
    });
    for (const c of IMPORT_COLUMNS[entity]) {
      if (c.required && !seen.has(c.key))
        issues.push({ row: 1, field: c.key, column: c.title, message: `Missing required column «${c.title}»` });
    }
    return map;
  }

  /** Flags rows whose natural key repeats an earlier row; returns the rows to process. */
  private unique<T extends { r: RowReader; key: string | undefined; keyField: string }>(rows: T[]): T[] {
    const first = new Map<string, number>();
    return rows.filter((x) => {
      if (x.key === undefined) return false;
      const earlier = first.get(x.key);
      if (earlier !== undefined) {
        x.r.fail(x.keyField, `Duplicate of row ${earlier}`);
        return false;
      }
      first.set(x.key, x.r.row);
      return true;
    });
  }

  private async units(trx: Knex.Transaction, readers: RowReader[]): Promise<Outcome> {
    const tree = await UnitTree.load(trx);
    const parsed = this.unique(
      readers.map((r) => {
        const code = r.code('code', true);
        const kindText = r.text('kind', 40, true)?.toLowerCase();
        const kind = kindText === undefined ? undefined : KIND_WORDS[kindText];
        if (kindText !== undefined && !kind)
          r.fail('kind', 'Use department/division/office (департамент, управление, отдел, офис)');
        const values = {
          name: r.text('name', 300, true),
          shortName: r.text('shortName', 100),
          address: r.text('address', 500),
          phone: r.text('phone', 50),
          isActive: r.bool('isActive'),
        };
        return { r, key: code, keyField: 'code', code, kind, parentCode: r.code('parentCode'), values };
      }),
    );
    // Parents listed in the same file are written first; a cycle among them is an error.
    const inFile = new Map(parsed.map((p) => [p.code!, p]));
    const ordered: typeof parsed = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (p: (typeof parsed)[number]): void => {
      const s = state.get(p.code!);
      if (s === 'done') return;
      if (s === 'visiting') {
        p.r.fail('parentCode', 'Circular parent references in the file');
        return;
      }
      state.set(p.code!, 'visiting');
      const parent = p.parentCode ? inFile.get(p.parentCode) : undefined;
      if (parent) visit(parent);
      state.set(p.code!, 'done');
      ordered.push(p);
    };
    parsed.forEach(visit);

    const out: Outcome = { created: [], updated: [] };
    for (const p of ordered) {
      if (!p.r.ok || !p.kind) continue;
      const existing = tree.byCode.get(p.code!);
      let parentId = existing ? existing.parentId : null;
      if (p.parentCode !== undefined) {
        const parent = tree.byCode.get(p.parentCode);
        if (!parent) {
          p.r.fail('parentCode', `Unknown unit code «${p.parentCode}»`);
          continue;
        }
        parentId = parent.id;
      }
      const placement = tree.placementIssues(existing?.id, p.kind, parentId, { kind: 'kind', parentId: 'parentCode' });
      for (const i of placement) p.r.fail(i.path, i.message);
      if (!p.r.ok) continue;
      const values = { ...given(p.values), kind: p.kind, parentId };
      if (existing) {
        await trx('org_units')
          .where({ id: existing.id })
          .update({ ...values, updatedAt: trx.fn.now() });
        tree.put({ ...existing, kind: p.kind, parentId });
        out.updated.push(p.code!);
      } else {
        const [row] = await trx('org_units')
          .insert({ ...values, name: values.name!, code: p.code! })
          .returning('id');
        tree.put({ id: row.id, code: p.code!, kind: p.kind, parentId });
        out.created.push(p.code!);
      }
    }
    return out;
  }

  private async employees(trx: Knex.Transaction, readers: RowReader[]): Promise<Outcome> {
    const tree = await UnitTree.load(trx);
    const parsed = this.unique(
      readers.map((r) => {
        const personnelNumber = r.text('personnelNumber', 32, true);
        const unitCode = r.code('unitCode', true);
        const unit = unitCode === undefined ? undefined : tree.byCode.get(unitCode);
        if (unitCode !== undefined && !unit) r.fail('unitCode', `Unknown unit code «${unitCode}»`);
        const values = {
          fullName: r.text('fullName', 300, true),
          position: r.text('position', 300, true),
          unitId: unit?.id,
          salary: r.number('salary', 0, 9_999_999_999),
          maxBonusSalaries: r.number('maxBonusSalaries', 0, 12),
          email: r.email('email'),
          phone: r.text('phone', 50),
          hiredOn: r.date('hiredOn'),
          isActive: r.bool('isActive'),
        };
        return { r, key: personnelNumber, keyField: 'personnelNumber', values };
      }),
    );
    const existing = new Map(
      (
        await trx('employees')
          .whereIn(
            'personnelNumber',
            parsed.map((p) => p.key!),
          )
          .select('id', 'personnelNumber')
      ).map((e) => [e.personnelNumber, e.id]),
    );
    const out: Outcome = { created: [], updated: [] };
    for (const p of parsed) {
      if (!p.r.ok) continue;
      const id = existing.get(p.key!);
      if (id !== undefined) {
        await trx('employees')
          .where({ id })
          .update({ ...given(p.values), updatedAt: trx.fn.now() });
        out.updated.push(p.key!);
      } else {
        // A row that passed its reader (p.r.ok) has the required cells.
        await trx('employees').insert({
          ...given(p.values),
          fullName: p.values.fullName!,
          position: p.values.position!,
          unitId: p.values.unitId!,
          personnelNumber: p.key,
        });
        out.created.push(p.key!);
      }
    }
    return out;
  }

  private async groups(trx: Knex.Transaction, readers: RowReader[]): Promise<Outcome> {
    const tree = await UnitTree.load(trx);
    const parsed = this.unique(
      readers.map((r) => {
        const code = r.code('code', true);
        const unitCode = r.code('unitCode');
        const unit = unitCode === undefined ? undefined : tree.byCode.get(unitCode);
        if (unitCode !== undefined && !unit) r.fail('unitCode', `Unknown unit code «${unitCode}»`);
        const values = { name: r.text('name', 300, true), description: r.text('description', 5000), unitId: unit?.id };
        return { r, key: code, keyField: 'code', values };
      }),
    );
    const existing = new Map(
      (
        await trx('staff_groups')
          .whereIn(
            'code',
            parsed.map((p) => p.key!),
          )
          .select('id', 'code')
      ).map((g) => [g.code, g.id]),
    );
    const out: Outcome = { created: [], updated: [] };
    for (const p of parsed) {
      if (!p.r.ok) continue;
      const id = existing.get(p.key!);
      if (id !== undefined) {
        await trx('staff_groups')
          .where({ id })
          .update({ ...given(p.values), updatedAt: trx.fn.now() });
        out.updated.push(p.key!);
      } else {
        await trx('staff_groups').insert({ ...given(p.values), name: p.values.name!, code: p.key! });
        out.created.push(p.key!);
      }
    }
    return out;
  }

  private async windows(trx: Knex.Transaction, readers: RowReader[]): Promise<Outcome> {
    const tree = await UnitTree.load(trx);
    const numbers = readers
      .map((r) => r.text('employeePersonnelNumber', 32))
      .filter((n): n is string => n !== undefined);
    const employees = new Map(
      (await trx('employees').whereIn('personnelNumber', numbers).select('id', 'personnelNumber')).map((e) => [
        e.personnelNumber,
        e.id,
      ]),
    );
    const parsed = this.unique(
      readers.map((r) => {
        const officeCode = r.code('officeCode', true);
        const office = officeCode === undefined ? undefined : tree.byCode.get(officeCode);
        if (officeCode !== undefined && !office) r.fail('officeCode', `Unknown unit code «${officeCode}»`);
        else if (office && office.kind !== 'office') r.fail('officeCode', `«${officeCode}» is not an office`);
        const number = r.text('number', 16, true);
        const personnel = r.text('employeePersonnelNumber', 32);
        const employeeId = personnel === undefined ? undefined : employees.get(personnel);
        if (personnel !== undefined && employeeId === undefined)
          r.fail('employeePersonnelNumber', `No employee with personnel number «${personnel}»`);
        const values = { name: r.text('name', 200), employeeId, isActive: r.bool('isActive') };
        return {
          r,
          key: officeCode && number ? `${officeCode}/${number}` : undefined,
          keyField: 'number',
          officeId: office?.id,
          number,
          values,
        };
      }),
    );
    const out: Outcome = { created: [], updated: [] };
    for (const p of parsed) {
      if (!p.r.ok) continue;
      const existing = await trx('windows').where({ officeId: p.officeId, number: p.number }).first('id');
      if (existing) {
        await trx('windows')
          .where({ id: existing.id })
          .update({ ...given(p.values), updatedAt: trx.fn.now() });
        out.updated.push(p.key!);
      } else {
        await trx('windows').insert({ ...given(p.values), officeId: p.officeId!, number: p.number! });
        out.created.push(p.key!);
      }
    }
    return out;
  }
}
