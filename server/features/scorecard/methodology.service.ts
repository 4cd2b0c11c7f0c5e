import ExcelJS from 'exceljs';
import { loadWorkbook, neutraliseFormulas } from '../../platform/xlsx.js';
import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import { parse } from '../../platform/http/validate.js';
import { scoreOrganisation, type OrgInput } from './scorecard.formulas.js';
import { paginate, type Page } from '../../platform/http/paging.js';
import { methodologySchema, type Methodology } from './scorecard.schemas.js';

import type { EvaluationView, MethodologyView } from '../../contract/scorecard.js';

/** What the methodology endpoints answer is the API contract's (server/contract/scorecard.ts). */
export type { EvaluationView, MethodologyView };

/** Columns of the XLSX layout: one row per level, group and indicator cells repeated. */
const XLSX_COLUMNS = [
  ['groupCode', 'Код группы'],
  ['groupName', 'Группа'],
  ['groupWeight', 'Вес группы'],
  ['indicatorCode', 'Код показателя'],
  ['indicatorName', 'Показатель'],
  ['indicatorWeight', 'Вес в группе'],
  ['mode', 'Способ (range/expert)'],
  ['howObtained', 'Как получается значение'],
  ['supplier', 'Кто предоставляет'],
  ['unit', 'Единица'],
  ['levelCode', 'Код уровня'],
  ['levelDescription', 'Описание уровня'],
  ['points', 'Баллы'],
  ['min', 'От (включительно)'],
  ['max', 'До (не включая)'],
] as const;
type XlsxKey = (typeof XLSX_COLUMNS)[number][0];

const badFile = (message: string) => new AppError(400, 'bad_file', message);

/** Organisation methodologies: CRUD, JSON/XLSX import and export, yearly evaluation of departments. */
export class MethodologyService {
  constructor(private readonly knex: Knex) {}

  /** Methodologies, newest first. */
  async list(q: { page: number; pageSize: number }): Promise<Page<MethodologyView>> {
    const base = this.knex('sc_methodologies as m')
      .select(
        'm.id',
        'm.code',
        'm.name',
        'm.description',
        'm.groups',
        this.knex.raw('(select count(*)::int from sc_org_evaluations e where e.methodology_id = m.id) as evaluations'),
      )
      .orderBy('m.id', 'desc');
    return paginate(base, q);
  }

  /** One methodology; 404 if missing. */
  async get(id: number, db: Knex | Knex.Transaction = this.knex): Promise<MethodologyView> {
    const row = await db('sc_methodologies as m')
      .where('m.id', id)
      .first<MethodologyView | undefined>(
        'm.id',
        'm.code',
        'm.name',
        'm.description',
        'm.groups',
        db.raw('(select count(*)::int from sc_org_evaluations e where e.methodology_id = m.id) as evaluations'),
      );
    if (!row) throw new NotFoundError('Methodology');
    return row;
  }

  /** Stores a validated methodology document. */
  async create(doc: Methodology, actor: Actor): Promise<MethodologyView> {
    return this.knex.transaction(async (trx) => {
      const [row] = await trx('sc_methodologies')
        .insert({ ...doc, groups: JSON.stringify(doc.groups) })
        .returning('id');
      await audit(trx, actor, {
        action: 'scorecard.methodology.create',
        entity: 'sc_methodology',
        entityId: row.id,
        after: { code: doc.code, name: doc.name },
      });
      return this.get(row.id, trx);
    });
  }

  /** Replaces a methodology; refused (409) once departments were evaluated with it, so their scores never change. */
  async replace(id: number, doc: Methodology, actor: Actor): Promise<MethodologyView> {
    return this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      if (before.evaluations > 0)
        throw new ConflictError('Departments were evaluated with this methodology: create a new one instead');
      await trx('sc_methodologies')
        .where({ id })
        .update({ ...doc, groups: JSON.stringify(doc.groups), updatedAt: trx.fn.now() });
      await audit(trx, actor, {
        action: 'scorecard.methodology.update',
        entity: 'sc_methodology',
        entityId: id,
        before: { code: before.code },
        after: { code: doc.code, name: doc.name },
      });
      return this.get(id, trx);
    });
  }

  /** Deletes a methodology that has no evaluations. */
  async remove(id: number, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      if (before.evaluations > 0)
        throw new ConflictError('Departments were evaluated with this methodology: it cannot be deleted');
      await trx('sc_methodologies').where({ id }).delete();
      await audit(trx, actor, {
        action: 'scorecard.methodology.delete',
        entity: 'sc_methodology',
        entityId: id,
        before: { code: before.code },
      });
    });
  }

  /** Reads an uploaded methodology: JSON (the API document) or XLSX (the export layout); validates it. */
  async parseFile(buffer: Buffer): Promise<Methodology> {
    const isZip = buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50;
    if (!isZip) {
      let json: unknown;
      try {
        json = JSON.parse(buffer.toString('utf-8').replace(/^\uFEFF/, ''));
      } catch {
        throw badFile('The file is neither XLSX nor JSON');
      }
      return parse(methodologySchema, json, 'Methodology');
    }
    return parse(methodologySchema, await readXlsx(buffer), 'Methodology');
  }

  /** The methodology as an XLSX workbook: a sheet of properties and a sheet with one row per level. */
  async toXlsx(id: number): Promise<{ filename: string; buffer: Buffer }> {
    const m = await this.get(id);
    const wb = new ExcelJS.Workbook();
    const info = wb.addWorksheet('methodology');
    info.columns = [{ width: 16 }, { width: 80 }];
    info.addRows([
      ['code', m.code],
      ['name', m.name],
      ['description', m.description ?? ''],
    ]);
    const sheet = wb.addWorksheet('levels');
    sheet.columns = XLSX_COLUMNS.map(([key, header]) => ({
      key,
      header,
      width: key.endsWith('Name') || key === 'levelDescription' || key === 'howObtained' ? 40 : 14,
    }));
    sheet.getRow(1).font = { bold: true };
    for (const g of m.groups) {
      for (const ind of g.indicators) {
        for (const l of ind.levels) {
          sheet.addRow({
            groupCode: g.code,
            groupName: g.name,
            groupWeight: g.weight,
            indicatorCode: ind.code,
            indicatorName: ind.name,
            indicatorWeight: ind.weight,
            mode: ind.mode,
            howObtained: ind.howObtained,
            supplier: ind.supplier,
            unit: ind.unit ?? '',
            levelCode: l.code,
            levelDescription: l.description,
            points: l.points,
            min: l.min ?? '',
            max: l.max ?? '',
          });
        }
      }
    }
    neutraliseFormulas(wb);
    return { filename: `methodology-${m.code}.xlsx`, buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
  }

  /** Evaluates a department for a year (replacing an earlier evaluation of that year) and stores score and breakdown. */
  async evaluate(
    id: number,
    input: { unitId: number; year: number; inputs: Record<string, OrgInput> },
    actor: Actor,
  ): Promise<EvaluationView> {
    return this.knex.transaction(async (trx) => {
      const m = await this.get(id, trx);
      const unit = await trx('org_units').where({ id: input.unitId }).first('id', 'kind');
      if (!unit) throw new ValidationError('Evaluation is invalid', [{ path: 'unitId', message: 'No such unit' }]);
      if (unit.kind !== 'department')
        throw new ValidationError('Evaluation is invalid', [
          { path: 'unitId', message: 'Only departments are evaluated' },
        ]);
      const known = new Set(m.groups.flatMap((g) => g.indicators.map((i) => i.code)));
      const extra = Object.keys(input.inputs).filter((k) => !known.has(k));
      const result = scoreOrganisation(m.groups, input.inputs);
      const issues = [
        ...extra.map((k) => ({ path: `inputs.${k}`, message: 'Not an indicator of this methodology' })),
        ...(result.ok ? [] : result.issues.map((i) => ({ path: `inputs.${i.indicator}`, message: i.message }))),
      ];
      if (issues.length || !result.ok) throw new ValidationError('Evaluation is invalid', issues);
      const values = {
        methodologyId: id,
        unitId: input.unitId,
        year: input.year,
        inputs: JSON.stringify(input.inputs),
        score: result.value.score,
        breakdown: JSON.stringify(result.value.groups),
        evaluatedBy: actor.userId,
        evaluatedAt: trx.fn.now(),
      };
      const [row] = await trx('sc_org_evaluations')
        .insert(values)
        .onConflict(['methodologyId', 'unitId', 'year'])
        .merge()
        .returning('id');
      await audit(trx, actor, {
        action: 'scorecard.evaluation.save',
        entity: 'sc_org_evaluation',
        entityId: row.id,
        after: { methodologyId: id, unitId: input.unitId, year: input.year, score: result.value.score },
      });
      return (await this.evaluationsQuery(trx, id).where('ev.id', row.id))[0];
    });
  }

  /** Department ratings of a methodology (optionally one year), best score first. */
  async evaluations(id: number, q: { page: number; pageSize: number; year?: number }): Promise<Page<EvaluationView>> {
    await this.get(id);
    const base = this.evaluationsQuery(this.knex, id).orderBy([
      { column: 'ev.year', order: 'desc' },
      { column: 'ev.score', order: 'desc' },
      { column: 'ev.id' },
    ]);
    if (q.year) base.where('ev.year', q.year);
    return paginate(base, q, (rows: (EvaluationView & { evaluatedAt: Date | string })[]) =>
      rows.map((r) => ({ ...r, evaluatedAt: new Date(r.evaluatedAt).toISOString() })),
    );
  }

  private evaluationsQuery(db: Knex | Knex.Transaction, id: number) {
    return db('sc_org_evaluations as ev')
      .join('org_units as u', 'u.id', 'ev.unitId')
      .where('ev.methodologyId', id)
      .select<EvaluationView[]>(
        'ev.id',
        'ev.methodologyId',
        'ev.unitId',
        'u.name as unitName',
        'ev.year',
        'ev.score',
        'ev.inputs',
        'ev.breakdown',
        'ev.evaluatedAt',
      );
  }
}

/** Reads the XLSX layout back into a methodology document (validated by the caller). */
async function readXlsx(buffer: Buffer): Promise<unknown> {
  let wb: ExcelJS.Workbook;
  try {
    wb = await loadWorkbook(buffer);
  } catch (err) {
    if (err instanceof AppError && err.status === 413) throw err;
    throw badFile('The file is not a readable XLSX workbook');
  }
  const info = wb.getWorksheet('methodology');
  const levels = wb.getWorksheet('levels');
  if (!info || !levels)
    throw badFile('The workbook needs the sheets "methodology" and "levels" (export one to see the layout)');
  const props = new Map<string, string>();
  info.eachRow((row) => props.set(text(row.getCell(1).value), text(row.getCell(2).value)));
  const headerRow = levels.getRow(1);
  const colOf = new Map<XlsxKey, number>();
  headerRow.eachCell((cell, col) => {
    const h = text(cell.value);
    const found = XLSX_COLUMNS.find(([key, header]) => h === header || h === key);
    if (found) colOf.set(found[0], col);
  });
  const missing = XLSX_COLUMNS.filter(([key]) => !colOf.has(key)).map(([, header]) => header);
  if (missing.length) throw badFile(`Missing columns in sheet "levels": ${missing.join(', ')}`);
  const groups: {
    code: string;
    name: string;
    weight: unknown;
    indicators: {
      code: string;
      name: string;
      weight: unknown;
      mode: string;
      howObtained: string;
      supplier: string;
      unit: string | null;
      levels: unknown[];
    }[];
  }[] = [];
  levels.eachRow((row, n) => {
    if (n === 1) return;
    const cell = (k: XlsxKey) => row.getCell(colOf.get(k)!).value;
    const num = (k: XlsxKey) => {
      const v = cell(k);
      if (v === null || v === undefined || text(v) === '') return null;
      const x = typeof v === 'number' ? v : Number(text(v).replace(',', '.'));
      return Number.isFinite(x) ? x : text(v);
    };
    const gCode = text(cell('groupCode'));
    if (!gCode) return;
    let g = groups.find((x) => x.code === gCode);
    if (!g)
      groups.push((g = { code: gCode, name: text(cell('groupName')), weight: num('groupWeight'), indicators: [] }));
    const iCode = text(cell('indicatorCode'));
    let ind = g.indicators.find((x) => x.code === iCode);
    if (!ind) {
      g.indicators.push(
        (ind = {
          code: iCode,
          name: text(cell('indicatorName')),
          weight: num('indicatorWeight'),
          mode: text(cell('mode')),
          howObtained: text(cell('howObtained')),
          supplier: text(cell('supplier')),
          unit: text(cell('unit')) || null,
          levels: [],
        }),
      );
    }
    ind.levels.push({
      code: text(cell('levelCode')),
      description: text(cell('levelDescription')),
      points: num('points'),
      min: num('min'),
      max: num('max'),
    });
  });
  return {
    code: props.get('code') ?? '',
    name: props.get('name') ?? '',
    description: props.get('description') || null,
    groups,
  };
}

function text(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '').trim();
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}
