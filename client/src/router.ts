import { createRouter, createWebHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router';
import type { Pinia } from 'pinia';
import { useAuthStore } from './features/auth/auth.store';
import { CASE_VIEW_ROLES, INTAKE_ROLES, SECTION_ROLES, type Role } from './shared/roles';
import AppLayout from './shared/layout/AppLayout.vue';
import LoginView from './features/auth/LoginView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Only for visitors who are not signed in (login, registration). */
    guestOnly?: boolean;
    /** Roles that may open the page (any of them). */
    roles?: readonly Role[];
    /** The navigation entry to highlight. */
    nav?: string;
    /** i18n key of the page title (browser tab). */
    title?: string;
  }
}

const adminRoles = SECTION_ROLES.admin;

/** The application's routes: one block per feature. */
export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: LoginView,
    meta: { public: true, guestOnly: true, title: 'auth.loginTitle' },
  },
  {
    path: '/register',
    name: 'register',
    component: () => import('./features/auth/RegisterView.vue'),
    meta: { public: true, guestOnly: true, title: 'auth.registerTitle' },
  },
  {
    // The receipt's print view: no navigation around it (A4, print CSS).
    path: '/cases/:id(\\d+)/receipt',
    name: 'case-receipt',
    component: () => import('./features/cases/ReceiptView.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { roles: CASE_VIEW_ROLES, title: 'cases.receipt.title' },
  },
  {
    path: '/',
    component: AppLayout,
    children: [
      // The guard sends `/` to the signed-in user's home (or to sign in); nothing renders here.
      { path: '', name: 'home', component: { render: () => null } },
      {
        path: 'portal',
        name: 'portal',
        component: () => import('./features/portal/PortalView.vue'),
        meta: { roles: SECTION_ROLES.portal, nav: 'portal', title: 'nav.portal' },
      },
      {
        path: 'tasks',
        name: 'tasks',
        component: () => import('./features/tasks/TasksView.vue'),
        meta: { roles: SECTION_ROLES.tasks, nav: 'tasks', title: 'nav.tasks' },
      },
      {
        path: 'tasks/:id(\\d+)',
        name: 'task',
        component: () => import('./features/tasks/TaskPageView.vue'),
        props: (r) => ({ id: Number(r.params.id) }),
        meta: { roles: SECTION_ROLES.tasks, nav: 'tasks', title: 'tasks.page.title' },
      },
      {
        path: 'cases',
        name: 'cases',
        component: () => import('./features/cases/CasesListView.vue'),
        meta: { roles: SECTION_ROLES.cases, nav: 'cases', title: 'nav.cases' },
      },
      {
        path: 'cases/new',
        name: 'case-new',
        component: () => import('./features/cases/IntakeView.vue'),
        meta: { roles: INTAKE_ROLES, nav: 'cases', title: 'cases.intake.title' },
      },
      {
        path: 'cases/:id(\\d+)',
        name: 'case',
        component: () => import('./features/cases/CaseView.vue'),
        props: (r) => ({ id: Number(r.params.id) }),
        meta: { roles: CASE_VIEW_ROLES, nav: 'cases', title: 'cases.view.title' },
      },
      {
        path: 'interagency',
        name: 'interagency',
        component: () => import('./features/interagency/InteragencyView.vue'),
        meta: { roles: SECTION_ROLES.interagency, nav: 'interagency', title: 'nav.interagency' },
      },
      {
        path: 'instructions',
        name: 'instructions',
        component: () => import('./features/instructions/InstructionsView.vue'),
        meta: { roles: SECTION_ROLES.instructions, nav: 'instructions', title: 'nav.instructions' },
      },
      {
        path: 'constructor',
        name: 'constructor',
        component: () => import('./features/constructor/ServiceListView.vue'),
        meta: { roles: SECTION_ROLES.constructor, nav: 'constructor', title: 'nav.constructor' },
      },
      {
        path: 'constructor/services/:code',
        name: 'constructor-service',
        component: () => import('./features/constructor/ServiceEditorView.vue'),
        props: true,
        meta: { roles: SECTION_ROLES.constructor, nav: 'constructor', title: 'nav.constructor' },
      },
      {
        path: 'monitoring',
        name: 'monitoring',
        component: () => import('./features/monitoring/MonitoringView.vue'),
        meta: { roles: SECTION_ROLES.monitoring, nav: 'monitoring', title: 'nav.monitoring' },
      },
      {
        // Roles sit on each child only: the guard accepts any role of any matched record (see features/scorecard/scorecard.pages.ts).
        path: 'scorecard',
        component: () => import('./features/scorecard/ScorecardView.vue'),
        children: [
          {
            path: '',
            name: 'scorecard',
            component: { render: () => null },
            meta: { roles: SECTION_ROLES.scorecard, nav: 'scorecard', title: 'nav.scorecard' },
          },
          {
            path: 'my',
            name: 'scorecard-my',
            component: () => import('./features/scorecard/MyMatrixView.vue'),
            meta: { roles: ['operator', 'specialist', 'manager'], nav: 'scorecard', title: 'scorecard.nav.my' },
          },
          {
            path: 'team',
            name: 'scorecard-team',
            component: () => import('./features/scorecard/TeamView.vue'),
            meta: { roles: ['manager', 'admin'], nav: 'scorecard', title: 'scorecard.nav.team' },
          },
          {
            path: 'matrices/:id(\\d+)',
            name: 'scorecard-matrix',
            component: () => import('./features/scorecard/MatrixDetailView.vue'),
            meta: { roles: SECTION_ROLES.scorecard, nav: 'scorecard', title: 'scorecard.team.matrix' },
          },
          {
            path: 'methodology',
            name: 'scorecard-methodology',
            component: () => import('./features/scorecard/MethodologyView.vue'),
            meta: { roles: ['admin'], nav: 'scorecard', title: 'scorecard.nav.methodology' },
          },
          {
            path: 'ratings',
            name: 'scorecard-ratings',
            component: () => import('./features/scorecard/RatingsView.vue'),
            meta: { roles: ['manager', 'admin'], nav: 'scorecard', title: 'scorecard.nav.ratings' },
          },
          {
            path: 'roadmap',
            name: 'scorecard-roadmap',
            component: () => import('./features/scorecard/RoadmapView.vue'),
            meta: { roles: ['manager', 'admin'], nav: 'scorecard', title: 'scorecard.nav.roadmap' },
          },
          {
            path: 'plans',
            name: 'scorecard-plans',
            component: () => import('./features/scorecard/PlansView.vue'),
            meta: {
              roles: ['operator', 'specialist', 'manager', 'admin'],
              nav: 'scorecard',
              title: 'scorecard.plans.nav',
            },
          },
          {
            path: 'facts',
            name: 'scorecard-facts',
            component: () => import('./features/scorecard/FactsView.vue'),
            meta: { roles: ['manager', 'admin'], nav: 'scorecard', title: 'scorecard.facts.nav' },
          },
          {
            path: 'indicators',
            name: 'scorecard-indicators',
            component: () => import('./features/scorecard/IndicatorsView.vue'),
            meta: { roles: ['admin'], nav: 'scorecard', title: 'scorecard.indicators.nav' },
          },
        ],
      },
      {
        path: 'admin',
        component: () => import('./features/admin/AdminView.vue'),
        meta: { roles: adminRoles },
        children: [
          { path: '', name: 'admin', redirect: { name: 'admin-org' } },
          {
            path: 'org',
            name: 'admin-org',
            component: () => import('./features/admin/OrgStructureView.vue'),
            meta: { roles: adminRoles, nav: 'admin-org', title: 'nav.org' },
          },
          {
            path: 'employees',
            name: 'admin-employees',
            component: () => import('./features/admin/EmployeesView.vue'),
            meta: { roles: adminRoles, nav: 'admin-employees', title: 'nav.employees' },
          },
          {
            path: 'groups',
            name: 'admin-groups',
            component: () => import('./features/admin/GroupsView.vue'),
            meta: { roles: adminRoles, nav: 'admin-groups', title: 'nav.groups' },
          },
          {
            path: 'windows',
            name: 'admin-windows',
            component: () => import('./features/admin/WindowsView.vue'),
            meta: { roles: adminRoles, nav: 'admin-windows', title: 'nav.windows' },
          },
          {
            path: 'users',
            name: 'admin-users',
            component: () => import('./features/admin/UsersView.vue'),
            meta: { roles: adminRoles, nav: 'admin-users', title: 'nav.users' },
          },
          {
            path: 'calendar',
            name: 'admin-calendar',
            component: () => import('./features/calendar/CalendarView.vue'),
            meta: { roles: adminRoles, nav: 'admin-calendar', title: 'nav.calendar' },
          },
          {
            path: 'audit',
            name: 'admin-audit',
            component: () => import('./features/admin/AuditView.vue'),
            meta: { roles: adminRoles, nav: 'admin-audit', title: 'nav.audit' },
          },
        ],
      },
      {
        path: '403',
        name: 'forbidden',
        component: () => import('./shared/components/ForbiddenView.vue'),
        meta: { title: 'errors.forbiddenTitle' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('./shared/components/NotFoundView.vue'),
        meta: { title: 'errors.notFoundTitle' },
      },
    ],
  },
];

/** Creates the router with the session guards: sign-in first, then the page's roles (else 403). */
export function createOknoRouter(pinia: Pinia, history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({ history, routes, scrollBehavior: () => ({ top: 0 }) });

  router.beforeEach(async (to) => {
    const auth = useAuthStore(pinia);
    await auth.ensureLoaded();
    if (to.name === 'home') return auth.isSignedIn ? auth.homePath : { name: 'login' };
    if (to.meta.guestOnly && auth.isSignedIn) return auth.homePath;
    if (to.matched.some((r) => r.meta.public)) return true;
    if (!auth.isSignedIn) return { name: 'login', query: { redirect: to.fullPath } };
    const required = to.matched.flatMap((r) => r.meta.roles ?? []);
    if (required.length > 0 && !auth.can(required)) return { name: 'forbidden', query: { from: to.fullPath } };
    return true;
  });

  return router;
}
