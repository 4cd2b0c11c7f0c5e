import type { Agency } from '../../contract/interagency.js';

/**
 * Which agency holds a document of a kind (okno:document kind). Service models name only the document
 * and that the office requests it (supplier="interagency"); the agency follows from the kind, as in the
 * federal list of documents obtained by inter-agency requests (210-FZ art. 7.1, Government Order 1506-r).
 */
const BY_KIND: Readonly<Record<string, Agency>> = {
  'egrul-extract': { code: 'fns', name: 'ФНС России' },
  'egrip-extract': { code: 'fns', name: 'ФНС России' },
  'egrn-extract': { code: 'rosreestr', name: 'Росреестр' },
  'fee-payment': { code: 'treasury', name: 'Федеральное казначейство (ГИС ГМП)' },
  'residence-registration-info': { code: 'mvd', name: 'МВД России' },
  'low-income-decision': { code: 'social-protection', name: 'Орган социальной защиты населения' },
  'unfit-housing-conclusion': { code: 'housing-commission', name: 'Межведомственная комиссия муниципалитета' },
  'heritage-approval': { code: 'heritage', name: 'Орган охраны объектов культурного наследия' },
  'urban-plan': { code: 'urban-planning', name: 'Орган архитектуры и градостроительства' },
};

/** An agency for kinds the table does not know yet: the request still goes out and can be answered in Okno. */
export const OTHER_AGENCY: Agency = { code: 'other', name: 'Иной орган (по виду документа)' };

/** The agency that answers a request for a document of this kind. */
export function agencyOf(kind: string): Agency {
  return BY_KIND[kind] ?? OTHER_AGENCY;
}

/** Every known agency, once, by name. */
export function knownAgencies(): Agency[] {
  const byCode = new Map<string, Agency>();
  for (const a of [...Object.values(BY_KIND), OTHER_AGENCY]) byCode.set(a.code, a);
  return [...byCode.values()].sort((a, b) => a.name.localeCompare(b.name, 'ru'));
}
