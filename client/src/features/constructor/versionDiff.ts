import type { DiffResult } from 'bpmn-js-differ';

export const DIFF_MARKERS = {
  added: 'okno-diff-added',
  removed: 'okno-diff-removed',
  changed: 'okno-diff-changed',
  layout: 'okno-diff-layout',
} as const;

/** Markers to put on each side of a two-diagram comparison, and the counts to show. */
export interface DiffMarkers {
  left: { id: string; marker: string }[];
  right: { id: string; marker: string }[];
  counts: { added: number; removed: number; changed: number; layout: number };
}

/** Turns a bpmn-js-differ result into markers: removed and changed on the old diagram, added, changed and moved on the new one. */
export function diffMarkers(diff: DiffResult): DiffMarkers {
  const added = Object.keys(diff._added);
  const removed = Object.keys(diff._removed);
  const changed = Object.keys(diff._changed);
  const layout = Object.keys(diff._layoutChanged).filter((id) => !diff._changed[id]);
  return {
    left: [
      ...removed.map((id) => ({ id, marker: DIFF_MARKERS.removed })),
      ...changed.map((id) => ({ id, marker: DIFF_MARKERS.changed })),
    ],
    right: [
      ...added.map((id) => ({ id, marker: DIFF_MARKERS.added })),
      ...changed.map((id) => ({ id, marker: DIFF_MARKERS.changed })),
      ...layout.map((id) => ({ id, marker: DIFF_MARKERS.layout })),
    ],
    counts: { added: added.length, removed: removed.length, changed: changed.length, layout: layout.length },
  };
}
