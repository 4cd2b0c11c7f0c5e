import type { Component } from 'vue';
import {
  ClipboardOutline,
  CalendarOutline,
  ConstructOutline,
  DesktopOutline,
  DocumentTextOutline,
  FolderOpenOutline,
  GitNetworkOutline,
  GlobeOutline,
  ListOutline,
  PeopleCircleOutline,
  PeopleOutline,
  PersonCircleOutline,
  PulseOutline,
  SettingsOutline,
  SwapHorizontalOutline,
  TrophyOutline,
} from '@vicons/ionicons5';
import type { Section } from '../roles';

export interface NavItem {
  key: string;
  path: string;
  labelKey: string;
  icon: Component;
  children?: NavItem[];
}

/** The admin sub-pages, in menu order. */
export const ADMIN_PAGES: NavItem[] = [
  { key: 'admin-org', path: '/admin/org', labelKey: 'nav.org', icon: GitNetworkOutline },
  { key: 'admin-employees', path: '/admin/employees', labelKey: 'nav.employees', icon: PeopleOutline },
  { key: 'admin-groups', path: '/admin/groups', labelKey: 'nav.groups', icon: PeopleCircleOutline },
  { key: 'admin-windows', path: '/admin/windows', labelKey: 'nav.windows', icon: DesktopOutline },
  { key: 'admin-users', path: '/admin/users', labelKey: 'nav.users', icon: PersonCircleOutline },
  { key: 'admin-calendar', path: '/admin/calendar', labelKey: 'nav.calendar', icon: CalendarOutline },
  { key: 'admin-audit', path: '/admin/audit', labelKey: 'nav.audit', icon: DocumentTextOutline },
];

/** One navigation entry per section. */
export const NAV: Record<Section, NavItem> = {
  portal: { key: 'portal', path: '/portal', labelKey: 'nav.portal', icon: GlobeOutline },
  tasks: { key: 'tasks', path: '/tasks', labelKey: 'nav.tasks', icon: ListOutline },
  cases: { key: 'cases', path: '/cases', labelKey: 'nav.cases', icon: FolderOpenOutline },
  interagency: { key: 'interagency', path: '/interagency', labelKey: 'nav.interagency', icon: SwapHorizontalOutline },
  instructions: { key: 'instructions', path: '/instructions', labelKey: 'nav.instructions', icon: ClipboardOutline },
  constructor: { key: 'constructor', path: '/constructor', labelKey: 'nav.constructor', icon: ConstructOutline },
  monitoring: { key: 'monitoring', path: '/monitoring', labelKey: 'nav.monitoring', icon: PulseOutline },
  scorecard: { key: 'scorecard', path: '/scorecard', labelKey: 'nav.scorecard', icon: TrophyOutline },
  admin: { key: 'admin', path: '/admin', labelKey: 'nav.admin', icon: SettingsOutline, children: ADMIN_PAGES },
};
