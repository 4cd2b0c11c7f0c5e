import { createRequire } from 'node:module';
import PdfPrinter from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { ReceiptRecord } from '../../contract/cases.js';

/**
 * The receipt (расписка) as a PDF: pdfmake with the Roboto it ships (its virtual file system holds the
 * TTFs, which cover Cyrillic), so no font has to be installed on the server.
 */
const require = createRequire(import.meta.url);
let printer: PdfPrinter | undefined;

function fonts(): PdfPrinter {
  if (!printer) {
    const vfs = require('pdfmake/build/vfs_fonts.js') as Record<string, string>;
    const font = (name: string) => Buffer.from(vfs[name], 'base64');
    printer = new PdfPrinter({
      Roboto: {
        normal: font('Roboto-Regular.ttf'),
        bold: font('Roboto-Medium.ttf'),
        italics: font('Roboto-Italic.ttf'),
        bolditalics: font('Roboto-MediumItalic.ttf'),
      },
    });
  }
  return printer;
}

const FORMS: Record<ReceiptRecord['documents'][number]['form'], string> = {
  original: 'подлинник',
  copy: 'копия',
  uploaded: 'электронный образ',
};
const KINDS: Record<ReceiptRecord['applicant']['kind'], string> = {
  individual: 'физическое лицо',
  soleTrader: 'индивидуальный предприниматель',
  legalEntity: 'юридическое лицо',
};
const UNITS = { workingDays: 'рабочих дней', calendarDays: 'календарных дней' } as const;

/** 'YYYY-MM-DD' → 'DD.MM.YYYY'. */
const ru = (day: string) => day.split('-').reverse().join('.');

/** The document definition of the receipt (Russian, as the office prints it). */
export function receiptDefinition(r: ReceiptRecord): TDocumentDefinitions {
  const rows: Content[] = [];
  const documents = r.documents.length
    ? {
        table: {
          headerRows: 1,
          widths: [20, '*', 90, 50],
          body: [
            ['№', 'Документ', 'Вид', 'Листов'].map((t) => ({ text: t, bold: true })),
            ...r.documents.map((d, i) => [
              String(i + 1),
              d.title,
              FORMS[d.form],
              d.sheets === null ? '—' : String(d.sheets),
            ]),
          ],
        },
      }
    : { text: 'Документы не принимались.' };
  rows.push(
    { text: 'РАСПИСКА', style: 'title' },
    { text: 'в получении документов', alignment: 'center', margin: [0, 0, 0, 12] },
    { text: [{ text: 'Дело № ', bold: true }, r.number, '   от ', ru(r.date)] },
    { text: [{ text: 'Услуга: ', bold: true }, r.service.title], margin: [0, 4, 0, 0] },
    {
      text: [{ text: 'Заявитель: ', bold: true }, `${r.applicant.name} (${KINDS[r.applicant.kind]})`],
      margin: [0, 4, 0, 0],
    },
  );
  if (r.applicant.representative)
    rows.push({
      text: [
        { text: 'Представитель: ', bold: true },
        `${r.applicant.representative.name}, действует на основании: ${r.applicant.representative.document}`,
      ],
      margin: [0, 4, 0, 0],
    });
  rows.push({ text: 'Приняты документы:', bold: true, margin: [0, 12, 0, 4] }, documents);
  if (r.requested.length)
    rows.push(
      { text: 'Запрашиваются в порядке межведомственного взаимодействия:', bold: true, margin: [0, 12, 0, 4] },
      { ul: r.requested.map((d) => d.title) },
    );
  if (r.missing.length)
    rows.push({ text: 'Не представлены:', bold: true, margin: [0, 12, 0, 4] }, { ul: r.missing.map((d) => d.title) });
  rows.push({
    text: [
      { text: 'Срок предоставления услуги: ', bold: true },
      r.deadline
        ? `${r.deadline.days} ${UNITS[r.deadline.unit]}, до ${ru(r.deadline.due)} включительно`
        : 'не установлен',
    ],
    margin: [0, 12, 0, 0],
  });
  if (r.office)
    rows.push({
      text: [
        { text: 'Результат можно получить: ', bold: true },
        [r.office.name, r.office.address, r.office.phone ? `тел. ${r.office.phone}` : null].filter(Boolean).join(', '),
      ],
      margin: [0, 4, 0, 0],
    });
  rows.push(
    { text: `Документы принял: ${r.operator ?? '________________'}   ____________ (подпись)`, margin: [0, 24, 0, 0] },
    { text: 'Расписку получил: ____________________   ____________ (подпись)', margin: [0, 12, 0, 0] },
  );
  return {
    info: { title: `Расписка ${r.number}` },
    pageSize: 'A4',
    pageMargins: [50, 50, 50, 50],
    defaultStyle: { font: 'Roboto', fontSize: 11 },
    styles: { title: { fontSize: 16, bold: true, alignment: 'center' } },
    content: rows,
  };
}

/** Renders the receipt PDF. */
export function receiptPdf(r: ReceiptRecord): Promise<Buffer> {
  const doc = fonts().createPdfKitDocument(receiptDefinition(r), {});
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
