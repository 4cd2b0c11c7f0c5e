import type { Component } from 'vue';
import { BusinessOutline, PeopleOutline, StorefrontOutline } from '@vicons/ionicons5';
import type { UnitKind } from './admin.api';

export { UNIT_KINDS } from '@contract/enums';

/** The icon of each kind of unit. */
export const UNIT_KIND_ICONS: Record<UnitKind, Component> = {
  department: BusinessOutline,
  division: PeopleOutline,
  office: StorefrontOutline,
};

/** The kind a new unit most likely has under a parent of the given kind. */
export function defaultChildKind(parentKind: UnitKind | null): UnitKind {
  return parentKind === null ? 'department' : 'division';
}
