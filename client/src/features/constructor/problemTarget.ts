import type { Problem, Question, ReferenceDocument } from './constructor.api';
import { keyOfId, type TreeKey } from './situationTree';

/** Where clicking a problem leads: an element of the diagram, a node of the situation tree, or the document list. */
export type ProblemTarget =
  | { tab: 'diagram'; elementId: string }
  | { tab: 'situations'; key: TreeKey | null }
  | { tab: 'documents'; code: string }
  | null;

/** Decides where a problem is shown; `onDiagram` tells whether the diagram has an element with that id. */
export function problemTarget(
  problem: Problem,
  ctx: { onDiagram: (id: string) => boolean; questions: Question[]; documents: ReferenceDocument[] },
): ProblemTarget {
  const treeKey = keyOfId(ctx.questions, problem.elementId);
  if (treeKey) return { tab: 'situations', key: treeKey };
  if (ctx.documents.some((d) => d.code === problem.elementId) || problem.field.startsWith('okno:documents'))
    return { tab: 'documents', code: problem.elementId };
  if (problem.field.startsWith('okno:questionnaire') || problem.field.startsWith('okno:situations'))
    return { tab: 'situations', key: null };
  if (ctx.onDiagram(problem.elementId)) return { tab: 'diagram', elementId: problem.elementId };
  return null;
}
